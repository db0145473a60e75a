/**
 * The suite-wide setup file end to end: a child vitest runs a fixture with test/setup/secret-scan.ts and must
 * fail the file when a registered secret reaches a log line, naming it without printing it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'secret-scan-'));
const config = path.join(dir, 'vitest.config.mjs');
writeFileSync(
  config,
  `export default { root: ${JSON.stringify(ROOT)}, test: {
    include: ['test/observability/fixtures/log-leak.fixture.ts'],
    setupFiles: ['test/setup/secret-scan.ts'],
    environment: 'node', pool: 'forks', testTimeout: 20000 } };`,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runFixture(leak: boolean) {
  const report = path.join(dir, `report-${leak ? 'leak' : 'clean'}.json`);
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      config,
      '--reporter=json',
      `--outputFile=${report}`,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, SECRET_SCAN_FIXTURE_LEAK: leak ? '1' : '0', CI: '' },
    },
  );
  return { status: res.status, output: `${res.stdout}\n${res.stderr}\n${readFileSync(report, 'utf8')}` };
}

describe('test/setup/secret-scan.ts', () => {
  it('passes a file whose logs only carry redacted secrets', () => {
    const r = runFixture(false);
    expect(r.output).not.toContain('secret leak');
    expect(r.status).toBe(0);
  });

  it('fails a file that logged a registered secret, naming it but not printing it', () => {
    const r = runFixture(true);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('secret leak in logs');
    expect(r.output).toContain('fixture secret');
    expect(r.output).not.toContain('fixture-secret-Pw83Kd71');
  });
});
