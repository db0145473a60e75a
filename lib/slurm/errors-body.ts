/**
 * Reading Slurm's `errors[]` / `warnings[]` from a response body, whatever the version's spelling:
 * v0.0.37+ `{error_number, error, description, source}`, v0.0.36 `{error, error_code}`, 22.05 update_time
 * `{error, errno}`. Also the documented cases that are not real failures.
 */

export interface SlurmErrorEntry {
  errorNumber: number | undefined;
  error: string | undefined;
  description: string | undefined;
  source: string | undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The `errors` array of a parsed body, normalised; [] when absent or not an array. */
export function slurmErrors(body: unknown): SlurmErrorEntry[] {
  if (body === null || typeof body !== 'object') return [];
  const list = (body as { errors?: unknown }).errors;
  if (!Array.isArray(list)) return [];
  const out: SlurmErrorEntry[] = [];
  for (const e of list) {
    if (e === null || typeof e !== 'object') continue;
    const o = e as Record<string, unknown>;
    out.push({
      errorNumber: num(o.error_number) ?? num(o.errno) ?? num(o.error_code),
      error: str(o.error),
      description: str(o.description),
      source: str(o.source),
    });
  }
  return out;
}

/** `slurm error 1007 "Protocol authentication error"` for a message; never includes request data. */
export function describeSlurmError(e: SlurmErrorEntry | undefined): string {
  if (e === undefined) return '';
  const text = e.error ?? e.description ?? 'no message';
  return `slurm error ${e.errorNumber ?? '?'} ${JSON.stringify(text.slice(0, 200))}`;
}

/** slurmdb: "Nothing found" (9003) is an empty result, not a failure (22.05 returns it for empty lists). */
export const SLURMDB_NOTHING_FOUND = 9003;

export function isNothingFound(errors: readonly SlurmErrorEntry[]): boolean {
  return errors.length > 0 && errors.every((e) => e.errorNumber === SLURMDB_NOTHING_FOUND);
}

/** Slurm 23.11 reports both "no slurmdbd" and a bad token on the db connection as 7000. */
export const DB_CONNECTION_ERROR = 7000;

/** Errors that mean slurmrestd runs without slurmdbd (plugin not loaded / not configured / unreachable). */
export function isSlurmdbUnavailable(errors: readonly SlurmErrorEntry[], text = ''): boolean {
  const re =
    /not configured with slurmdbd|unable to connect to database|plugin.*not (loaded|found)|slurmdbd.*not/i;
  if (re.test(text)) return true;
  return errors.some(
    (e) => e.errorNumber === DB_CONNECTION_ERROR || re.test(e.error ?? '') || re.test(e.description ?? ''),
  );
}

/** Plain-text bodies slurmrestd sends for missing or unusable auth headers (401, or 500 on 25.11). */
export function isAuthFailureText(text: string): boolean {
  return /authentication (failure|does not apply)/i.test(text);
}
