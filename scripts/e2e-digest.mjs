// After a failed browser-test run: a short digest of what failed and of the machine, printed
// last so that a CI log cut to its tail still says why. Reads Playwright's JSON report.
//   node scripts/e2e-digest.mjs <report.json> <server log>
import { readFileSync, statfsSync } from 'node:fs';
import { loadavg } from 'node:os';

const [reportPath, logPath] = process.argv.slice(2);
// The error's first lines (an expect names its locator, expectation and timeout there), joined.
const gist = (s) =>
  (s ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 4).join(' | ');

const failed = [];
const walk = (suite, file) => {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      const results = t.results ?? [];
      if (t.status !== 'unexpected') continue;
      const last = results[results.length - 1] ?? {};
      const started = results[0]?.startTime ?? '';
      failed.push(`${started.slice(11, 19)} ${file}:${spec.line} ${spec.title.slice(0, 70)} — ${gist(last.error?.message).slice(0, 220)}`);
    }
  }
  for (const s of suite.suites ?? []) walk(s, s.file ?? file);
};
try {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  for (const s of report.suites ?? []) walk(s, s.file);
  const st = report.stats ?? {};
  console.log(`e2e digest: ${failed.length} failed, ${st.expected ?? '?'} passed, ${st.flaky ?? '?'} flaky; run started ${st.startTime ?? '?'}`);
} catch (e) {
  console.log(`e2e digest: no readable report at ${reportPath} (${e.message})`);
}
// The first failures say most (later ones may only follow from them), and the last when it ended.
const shown = failed.length > 8 ? [...failed.slice(0, 6), '…', ...failed.slice(-2)] : failed;
for (const f of shown) console.log(`  ${f}`);
try {
  const lines = readFileSync(logPath, 'utf8').split('\n').filter((l) => /\b(WARN|ERROR)\b/.test(l));
  console.log(`server log: ${lines.length} warnings/errors${lines.length ? '; the last:' : ''}`);
  for (const l of lines.slice(-3)) console.log(`  ${l.replace(/\x1b\[[0-9;]*m/g, '').slice(0, 240)}`);
} catch (e) {
  console.log(`server log: unreadable (${e.message})`);
}
const fs = statfsSync('.');
console.log(`machine: load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, disk free ${((fs.bavail * fs.bsize) / 2 ** 30).toFixed(1)} GiB`);
