// `npm test`: build, then every vitest suite (unit tests, browser tests, every notebook in smoke mode).
// Prints a closing "N passed, N failed, N skipped" line and exits non-zero on any failure.
// Extra arguments go to vitest (e.g. `npm test -- test/losses`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;
if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
const report = join(mkdtempSync(join(tmpdir(), 'reprlab-test-')), 'vitest.json');
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
let summary = '';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : '');
} catch {
  summary = `0 passed, 1 failed (vitest wrote no report; exit status ${status})`;
}
console.log(`\nTests: ${summary}`);
process.exit(status);
