/**
 * Secret-leak detection for tests. Tests register the secret values they use (`registerTestSecret`) or use the
 * well-known ones below; the suite-wide setup file (test/setup/secret-scan.ts) scans every log line of a test
 * file for them, and tests call `assertNoSecrets` on error messages, health bodies, span attributes and
 * exposition text. Reports name the secret's description, never its value.
 */

export interface TestSecret {
  description: string;
  value: string;
}

/** Distinctive values (no false positives in normal output); use them as the secrets in tests. */
export const TEST_SLURM_TOKEN = 'tst-jwt-9Qv7xK2mZp4Lr8Wc';
export const TEST_BASIC_PASSWORD = 'tst-pass-Hy3Nd8Rf6Tb1';
export const TEST_API_KEY = 'tst-apikey-Jm5Xq9Vw2Ce7';
export const TEST_PUSH_PASSWORD = 'tst-pushpw-Gk4Zt8Ls3Pa6';
export const TEST_BEARER_TOKEN = 'tst-bearer-Ud7Yo2Mi5Rn9';
export const TEST_AWS_SECRET_ACCESS_KEY = 'tstSecretKeyW8a3Lq0Pz7Nd4Vy1Kc6Hs2Jb9Fm5';
export const TEST_AWS_SESSION_TOKEN = 'tstSessionTokenR4e8Ty2Ui6Op0As5Df9';

export const TEST_SECRETS: readonly TestSecret[] = [
  { description: 'TEST_SLURM_TOKEN (slurmrestd JWT)', value: TEST_SLURM_TOKEN },
  { description: 'TEST_BASIC_PASSWORD (slurmrestd basic auth)', value: TEST_BASIC_PASSWORD },
  { description: 'TEST_API_KEY', value: TEST_API_KEY },
  { description: 'TEST_PUSH_PASSWORD (push target basic auth)', value: TEST_PUSH_PASSWORD },
  { description: 'TEST_BEARER_TOKEN (push target bearer token)', value: TEST_BEARER_TOKEN },
  { description: 'TEST_AWS_SECRET_ACCESS_KEY', value: TEST_AWS_SECRET_ACCESS_KEY },
  { description: 'TEST_AWS_SESSION_TOKEN', value: TEST_AWS_SESSION_TOKEN },
];

/** Shortest value accepted: shorter strings would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

const registered: TestSecret[] = [];

/**
 * Registers a secret used by the current test file (checked in the file's afterAll by the setup file and by
 * `assertNoSecrets` without an explicit list). Returns `value` for inline use.
 */
export function registerTestSecret(value: string, description = 'a secret registered by the test'): string {
  if (value.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `registerTestSecret(${description}): secrets shorter than ${MIN_SECRET_LENGTH} characters cannot be scanned for reliably`,
    );
  }
  if (!registered.some((s) => s.value === value)) registered.push({ description, value });
  return value;
}

/** Well-known secrets plus the registered ones. */
export function allTestSecrets(): TestSecret[] {
  return [...TEST_SECRETS, ...registered];
}

/** Forgets registered secrets (the setup file calls it after each file's scan). */
export function clearRegisteredSecrets(): void {
  registered.length = 0;
}

/** The forms a secret takes in output: raw, URL-encoded, JSON-escaped. */
function forms(value: string): string[] {
  const out = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  return [...out];
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) {
    const parts: string[] = [];
    let e: unknown = value;
    for (let i = 0; i < 5 && e !== undefined; i++) {
      if (e instanceof Error) {
        parts.push(`${e.name}: ${e.message}`, e.stack ?? '', safeJson({ ...e }));
        e = e.cause;
      } else {
        parts.push(toText(e));
        e = undefined;
      }
    }
    return parts.join('\n');
  }
  return safeJson(value);
}

function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(value, (_k, v: unknown) => {
        if (typeof v === 'bigint') return v.toString();
        if (ArrayBuffer.isView(v))
          return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
        if (v !== null && typeof v === 'object') {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      }) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

/** The secrets found in `value` (text, or anything JSON-able / an Error with its cause chain). */
export function findSecrets(value: unknown, secrets: readonly TestSecret[] = allTestSecrets()): TestSecret[] {
  const text = toText(value);
  return secrets.filter((s) => forms(s.value).some((f) => text.includes(f)));
}

/** Throws when `value` contains any of `secrets`; the message names descriptions and `where`, never values. */
export function assertNoSecrets(
  value: unknown,
  secrets: readonly TestSecret[] = allTestSecrets(),
  where = 'the checked text',
): void {
  const hits = findSecrets(value, secrets);
  if (hits.length > 0) {
    throw new Error(`secret leak: ${hits.map((h) => h.description).join(', ')} found in ${where}`);
  }
}

export interface SecretHit {
  description: string;
  /** Index of the line that contained it. */
  line: number;
}

/** Scans log lines; one hit per (secret, line). */
export function scanLines(
  lines: readonly string[],
  secrets: readonly TestSecret[] = allTestSecrets(),
): SecretHit[] {
  const hits: SecretHit[] = [];
  const all = secrets.map((s) => ({ description: s.description, forms: forms(s.value) }));
  lines.forEach((line, i) => {
    for (const s of all)
      if (s.forms.some((f) => line.includes(f))) hits.push({ description: s.description, line: i });
  });
  return hits;
}

/** The failure message for log-line hits (descriptions and line numbers only). */
export function formatLogLeak(hits: readonly SecretHit[], file = 'this test file'): string {
  const byDesc = new Map<string, number[]>();
  for (const h of hits) byDesc.set(h.description, [...(byDesc.get(h.description) ?? []), h.line + 1]);
  const parts = [...byDesc].map(([d, lines]) => `${d} in log line(s) ${lines.slice(0, 10).join(', ')}`);
  return `secret leak in logs of ${file}: ${parts.join('; ')}`;
}
