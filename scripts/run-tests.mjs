// Runs the unit/integration suite (vitest) and the end-to-end suite (Playwright),
// then prints one closing line: "Summary: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const results = path.resolve('test-results');
fs.mkdirSync(results, { recursive: true });
const vitestJson = path.join(results, 'vitest.json');
const playwrightJson = path.join(results, 'playwright.json');
fs.rmSync(vitestJson, { force: true });
fs.rmSync(playwrightJson, { force: true });

const bin = (name) => path.resolve('node_modules', '.bin', name);

// Azurite (the Azure Blob emulator the tests run) has its own lock, so its large dependency
// tree stays out of Quire's; install it on first use.
const azurite = path.resolve('test', 'servers', 'azurite');
if (!fs.existsSync(path.join(azurite, 'node_modules', 'azurite', 'package.json'))) {
  console.log('Installing Azurite for the tests (test/servers/azurite) …');
  const installed = spawnSync(
    'npm',
    ['ci', '--prefix', azurite, '--ignore-scripts', '--no-audit', '--no-fund'],
    { stdio: 'inherit', shell: process.platform === 'win32' },
  );
  if (installed.status !== 0) {
    console.error('Could not install Azurite; the Azure tests will fail.');
  }
}
const vitest = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
  { stdio: 'inherit' },
);
const playwright = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], {
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
});

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(vitestJson)) {
  const report = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
} else failed += 1;
if (fs.existsSync(playwrightJson)) {
  const stats = JSON.parse(fs.readFileSync(playwrightJson, 'utf8')).stats;
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
} else failed += 1;

const ok = vitest.status === 0 && playwright.status === 0 && failed === 0;
console.log(`\nSummary: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
