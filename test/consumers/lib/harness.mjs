// The checks' bookkeeping: each check runs once, prints one PASS or FAIL line with what it saw,
// and lands in the JSON report that .ci/run adds to its totals.
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { INTERCEPT_TOLERANCE, REFERENCE_COEFFICIENTS } from '../config.mjs';

export class Report {
  results = [];
  started = Date.now();

  /**
   * Runs `fn`; a check passes when fn returns (its return value is the detail printed) and fails
   * when it throws (the message is printed).
   */
  async check(name, fn) {
    const t0 = Date.now();
    let status = 'passed';
    let detail;
    try {
      detail = await fn();
    } catch (error) {
      status = 'failed';
      // Without terminal colours (Vite and Rolldown colour their messages).
      detail = (error instanceof Error ? error.message : String(error)).replace(/\x1b\[[0-9;]*m/g, '');
    }
    const lines = String(detail ?? '').split('\n');
    if (lines.length > 30) detail = [...lines.slice(0, 30), `… (${lines.length - 30} more lines)`].join('\n');
    const ms = Date.now() - t0;
    this.results.push({ name, status, detail: detail ?? '', ms });
    const line = `${status === 'passed' ? 'PASS' : 'FAIL'}  ${name}  (${(ms / 1000).toFixed(1)} s)${detail ? `\n      ${String(detail).split('\n').join('\n      ')}` : ''}`;
    console.log(line);
    return status === 'passed';
  }

  /** Records a check that could not run because what it needs failed earlier. */
  skipAsFailed(name, reason) {
    this.results.push({ name, status: 'failed', detail: `not run: ${reason}`, ms: 0 });
    console.log(`FAIL  ${name}\n      not run: ${reason}`);
  }

  get passed() { return this.results.filter((r) => r.status === 'passed').length; }
  get failed() { return this.results.filter((r) => r.status === 'failed').length; }

  write(path, extra = {}) {
    const body = {
      passed: this.passed, failed: this.failed, seconds: (Date.now() - this.started) / 1000,
      ...extra, checks: this.results,
    };
    writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  }
}

/** Throws unless `value` is the reference intercept to INTERCEPT_TOLERANCE. */
export function expectIntercept(value, where) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${where}: expected the intercept ${REFERENCE_COEFFICIENTS[0]}, got ${JSON.stringify(value)}`);
  }
  const error = Math.abs(value - REFERENCE_COEFFICIENTS[0]);
  if (!(error <= INTERCEPT_TOLERANCE)) {
    throw new Error(`${where}: intercept ${value} differs from R's ${REFERENCE_COEFFICIENTS[0]} by ${error.toExponential(2)} (> ${INTERCEPT_TOLERANCE})`);
  }
  return `intercept ${value} (|Δ| = ${error.toExponential(1)})`;
}

/**
 * Runs a command to completion with a time limit; resolves to { code, stdout, stderr } (code null
 * when it was killed). The child gets its own process group so a timeout ends its children too.
 */
export function run(command, args, { cwd, timeoutMs = 120_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** The last `n` lines of a long output, for a failure message. */
export function tail(text, n = 12) {
  const lines = String(text).trim().split('\n');
  return (lines.length > n ? ['…', ...lines.slice(-n)] : lines).join('\n');
}
