// A real PostgreSQL server for the SQL tests, started in a temporary directory on a free local
// port (127.0.0.1 only, with its socket in that directory) and stopped at the end. Uses Debian's
// binaries (`apt-get install -y postgresql`: /usr/lib/postgresql/<version>/bin). PostgreSQL refuses
// to run as root, so as root the cluster belongs to the `postgres` user and runs through runuser.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/freePort.js';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  database: string;
  stop(): void;
}

/** The newest Debian PostgreSQL bin directory, or null (the reason is then `postgresMissing()`). */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? null : join(root, versions[0]!, 'bin');
}

export const POSTGRES_MISSING = 'PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (install with: apt-get install -y postgresql)';

/** Runs a PostgreSQL binary as the cluster's owner (the `postgres` user when we are root). */
function runAsOwner(bin: string, args: string[], asRoot: boolean): void {
  const options = { stdio: 'pipe' as const, timeout: 60_000 };
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], options);
  else execFileSync(bin, args, options);
}

/** initdb + pg_ctl start; trust authentication for the one local user (a throwaway cluster). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinaries();
  if (bin === null) throw new Error(POSTGRES_MISSING);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'softlogit-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const user = asRoot ? 'postgres' : execFileSync('id', ['-un']).toString().trim();
  const port = await freePort();
  runAsOwner(join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], asRoot);
  const settings = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=10 -c shared_buffers=16MB`;
  runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', settings, '-w', '-t', '60', 'start'], asRoot);
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    user,
    database: 'postgres',
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], asRoot);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
