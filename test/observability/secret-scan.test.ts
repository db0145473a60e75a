/** The secret scanner itself: planted secrets are found (directly, without failing the suite). */
import { describe, expect, it } from 'vitest';
import {
  allTestSecrets,
  assertNoSecrets,
  findSecrets,
  formatLogLeak,
  registerTestSecret,
  scanLines,
  TEST_SECRETS,
  TEST_SLURM_TOKEN,
} from '../helpers/secret-scan.js';

describe('secret scanner', () => {
  it('finds a planted secret in log lines and names it without printing it', () => {
    const planted = registerTestSecret('planted-Zx81Qa0Wm3', 'planted test secret');
    const lines = [
      '{"level":"info","message":"ok"}',
      `{"level":"error","message":"request failed","url":"https://h/?t=${encodeURIComponent(planted)}"}`,
      `{"level":"debug","header":"Bearer ${TEST_SLURM_TOKEN}"}`,
    ];
    const hits = scanLines(lines);
    expect(hits).toEqual([
      { description: 'planted test secret', line: 1 },
      { description: TEST_SECRETS[0]?.description, line: 2 },
    ]);
    const msg = formatLogLeak(hits, 'x.test.ts');
    expect(msg).toContain('planted test secret in log line(s) 2');
    expect(msg).not.toContain(planted);
    expect(msg).not.toContain(TEST_SLURM_TOKEN);
    // The planted lines never went through the logger, so the suite-wide scan stays green.
  });

  it('assertNoSecrets checks strings, objects, and errors with their cause chain', () => {
    const planted = registerTestSecret('cause-secret-Tq72Lm', 'secret in a cause');
    expect(() => assertNoSecrets('all clean')).not.toThrow();
    expect(() => assertNoSecrets({ body: { detail: `x${planted}y` } }, undefined, 'health body')).toThrow(
      /secret leak: secret in a cause found in health body/,
    );
    const err = new Error('outer', { cause: new Error(`inner ${planted}`) });
    expect(() => assertNoSecrets(err)).toThrow(/secret in a cause/);
    let message = '';
    try {
      assertNoSecrets(err);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain(planted);
    // JSON-escaped forms are found too.
    const quoted = registerTestSecret('quo"ted-Secret-99', 'quoted');
    expect(findSecrets(JSON.stringify({ v: quoted })).map((s) => s.description)).toContain('quoted');
  });

  it('refuses secrets too short to scan for', () => {
    expect(() => registerTestSecret('abc', 'short')).toThrow(/shorter than 8/);
    expect(allTestSecrets().some((s) => s.description === 'short')).toBe(false);
  });
});
