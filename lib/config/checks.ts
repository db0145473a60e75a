/**
 * Value checks used by the schema's leaves. Each returns an error message (what was expected) or undefined,
 * so the leaf builders can attach them as refinements and report every problem with the field's env name.
 */

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_LABELS = 20;
export const MAX_LABEL_VALUE = 256;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
export const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
export const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

function labelNameProblem(name: string): string | undefined {
  if (!LABEL_NAME.test(name)) return `label name "${name}" must match ^[a-zA-Z_][a-zA-Z0-9_]*$`;
  if (name.startsWith('__')) return `label name "${name}" must not start with "__" (reserved)`;
  return undefined;
}

/** Const labels: valid Prometheus names, ≤20 of them, values ≤256 characters. */
export function labelsProblem(labels: Record<string, string>): string | undefined {
  const problems: string[] = [];
  const names = Object.keys(labels);
  if (names.length > MAX_LABELS)
    problems.push(`at most ${MAX_LABELS} labels are allowed (got ${names.length})`);
  for (const [name, value] of Object.entries(labels)) {
    const p = labelNameProblem(name);
    if (p !== undefined) problems.push(p);
    if (value.length > MAX_LABEL_VALUE)
      problems.push(`label "${name}" value must be at most ${MAX_LABEL_VALUE} characters`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Push grouping labels: as labels, plus non-empty values (an empty one poisons the real Pushgateway) and no `job`. */
export function groupingProblem(grouping: Record<string, string>): string | undefined {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(grouping)) {
    const p = labelNameProblem(name);
    if (p !== undefined) problems.push(p);
    if (name === 'job') problems.push('"job" is not a grouping label: set push.job instead');
    if (value === '') problems.push(`grouping label "${name}" must have a non-empty value`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the push sinks set themselves; overriding them would corrupt the request. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-encoding',
  'content-length',
  'host',
  'transfer-encoding',
]);

export function headersProblem(headers: Record<string, string>): string | undefined {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) problems.push(`header name "${name}" is not a valid HTTP header name`);
    else if (RESERVED_HEADERS.has(name.toLowerCase()))
      problems.push(`header "${name}" is set by the exporter`);
    if (CONTROL.test(value)) problems.push(`header "${name}" value must not contain control characters`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Metric filter patterns: metric-name characters plus `*` as the only wildcard. */
export function patternProblem(p: string): string | undefined {
  return /^[a-zA-Z0-9_:*]+$/.test(p)
    ? undefined
    : `pattern "${p}" may only contain [a-zA-Z0-9_:*] (* is the wildcard)`;
}

export const pathProblem = (s: string) =>
  s.startsWith('/') && !WHITESPACE_OR_CONTROL.test(s)
    ? undefined
    : 'must start with "/" and contain no spaces';
export const noSpaces = (s: string) =>
  WHITESPACE_OR_CONTROL.test(s) ? 'must not contain spaces or control characters' : undefined;
export const noControl = (s: string) => (CONTROL.test(s) ? 'must not contain control characters' : undefined);
export const userName = (s: string) =>
  WHITESPACE_OR_CONTROL.test(s) || s.includes(':')
    ? 'must not contain spaces, control characters or ":"'
    : undefined;

export function addressProblem(s: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(s);
  if (m === null || Number(m[2]) > 65535) return 'must be "[host]:port", e.g. ":8080" or "127.0.0.1:8080"';
  return undefined;
}

/** PEM armour: a BEGIN line, a body and an END line. */
export const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----/;

export function pemProblem(s: string): string | undefined {
  if (s === '') return undefined;
  return PEM.test(s)
    ? undefined
    : 'must be PEM text (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)';
}
