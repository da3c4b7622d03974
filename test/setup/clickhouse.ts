// A two-shard ClickHouse cluster for the SQL tests: two clickhouse-server processes on free
// 127.0.0.1 ports, each with its own directory, and a `remote_servers` entry `softlogit_two`
// naming both, so that a `Distributed` table on the first server spreads each aggregate over the
// two (each shard sums its rows, the first server adds the partial sums). Debian's package:
// `apt-get install -y clickhouse-server` (/usr/sbin/clickhouse-server). Stopped at the end.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/freePort.js';

export const CLICKHOUSE_BINARY = '/usr/sbin/clickhouse-server';
export const CLICKHOUSE_MISSING = `${CLICKHOUSE_BINARY} not found (install with: apt-get install -y clickhouse-server)`;

export interface ClickHouseShard {
  httpPort: number;
  tcpPort: number;
  /** Runs one statement over HTTP; resolves to the rows of `FORMAT JSON` (or [] without a result). */
  query(sql: string): Promise<Record<string, unknown>[]>;
}

export interface ClickHouseCluster {
  shards: [ClickHouseShard, ClickHouseShard];
  /** The cluster name in remote_servers. */
  cluster: string;
  stop(): Promise<void>;
}

function config(dir: string, ports: { http: number; tcp: number; interserver: number }, shards: number[]): string {
  const replicas = shards.map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`).join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>64</max_connections>
  <max_concurrent_queries>16</max_concurrent_queries>
  <uncompressed_cache_size>16777216</uncompressed_cache_size>
  <mark_cache_size>16777216</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mlock_executable>false</mlock_executable>
  <remote_servers><softlogit_two>${replicas}</softlogit_two></remote_servers>
</yandex>
`;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage><max_threads>1</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

function httpQuery(port: number) {
  return async (sql: string): Promise<Record<string, unknown>[]> => {
    const isSelect = /^\s*SELECT/i.test(sql);
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: isSelect ? `${sql}\nFORMAT JSON` : sql });
    const text = await response.text();
    if (!response.ok) throw new Error(`ClickHouse (port ${port}): ${text.trim()}`);
    return isSelect ? (JSON.parse(text) as { data: Record<string, unknown>[] }).data : [];
  };
}

async function waitReady(shard: ClickHouseShard, child: ChildProcess, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`clickhouse-server exited with ${child.exitCode}; see ${dir}/server.err.log`);
    try {
      await shard.query('SELECT 1');
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`clickhouse-server on port ${shard.httpPort} did not answer within 30 s`);
}

/** Starts two servers that know each other as the shards of `softlogit_two`. */
export async function startClickHouseCluster(): Promise<ClickHouseCluster> {
  if (!existsSync(CLICKHOUSE_BINARY)) throw new Error(CLICKHOUSE_MISSING);
  const asRoot = process.getuid?.() === 0;
  const root = mkdtempSync(join(tmpdir(), 'softlogit-ch-'));
  const ports = [];
  for (let i = 0; i < 2; i++) ports.push({ http: await freePort(), tcp: await freePort(), interserver: await freePort() });
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    })));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const shards: ClickHouseShard[] = [];
    for (let i = 0; i < 2; i++) {
      const dir = join(root, `shard${i + 1}`);
      for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'config.xml'), config(dir, ports[i]!, ports.map((p) => p.tcp)));
      writeFileSync(join(dir, 'users.xml'), USERS);
      let command = CLICKHOUSE_BINARY;
      let args = [`--config-file=${join(dir, 'config.xml')}`];
      if (asRoot) {
        // clickhouse-server runs as the owner of its data directory; as root, give it to `clickhouse`.
        const uid = Number(execFileSync('id', ['-u', 'clickhouse']).toString().trim());
        const gid = Number(execFileSync('id', ['-g', 'clickhouse']).toString().trim());
        for (const path of [root, dir, ...['data', 'tmp', 'user_files', 'format_schemas', 'config.xml', 'users.xml'].map((s) => join(dir, s))]) chownSync(path, uid, gid);
        args = ['-u', 'clickhouse', '--', command, ...args];
        command = 'runuser';
      }
      const child = spawn(command, args, { cwd: dir, stdio: 'ignore' });
      children.push(child);
      const shard: ClickHouseShard = { httpPort: ports[i]!.http, tcpPort: ports[i]!.tcp, query: httpQuery(ports[i]!.http) };
      await waitReady(shard, child, dir);
      shards.push(shard);
    }
    return { shards: [shards[0]!, shards[1]!], cluster: 'softlogit_two', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
