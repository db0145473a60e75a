/**
 * Suite-wide secret scan (vitest `setupFiles`): collects every log line written through lib/observability/
 * logger.ts while a test file runs and, after the file's tests, fails the file if any line contains a
 * well-known test secret, a secret registered with `registerTestSecret`, or the lab's slurmrestd token.
 */
import { afterAll, expect } from 'vitest';
import { addLogTap } from '../../lib/observability/logger.js';
import { readLabEnv } from '../helpers/lab.js';
import {
  allTestSecrets,
  clearRegisteredSecrets,
  formatLogLeak,
  registerTestSecret,
  type SecretHit,
  scanLines,
} from '../helpers/secret-scan.js';

/** Above this many buffered characters, lines are scanned early and dropped (bounded memory). */
const MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

let lines: string[] = [];
let buffered = 0;
let offset = 0;
const earlyHits: SecretHit[] = [];

const removeTap = addLogTap((line) => {
  lines.push(line);
  buffered += line.length;
  if (buffered > MAX_BUFFERED_CHARS) {
    for (const h of scanLines(lines, allTestSecrets())) earlyHits.push({ ...h, line: h.line + offset });
    offset += lines.length;
    lines = [];
    buffered = 0;
  }
});

try {
  const lab = readLabEnv();
  if (lab?.SLURM_TOKEN && lab.SLURM_TOKEN.length >= 8)
    registerTestSecret(lab.SLURM_TOKEN, 'lab SLURM_TOKEN (.lab/env)');
} catch {
  // A broken .lab/env is reported by the e2e suites, not here.
}

afterAll(() => {
  removeTap();
  const hits = [
    ...earlyHits,
    ...scanLines(lines, allTestSecrets()).map((h) => ({ ...h, line: h.line + offset })),
  ];
  lines = [];
  earlyHits.length = 0;
  clearRegisteredSecrets();
  if (hits.length > 0) {
    throw new Error(formatLogLeak(hits, expect.getState().testPath ?? 'this test file'));
  }
});
