/**
 * Go-style durations (`30s`, `1m30s`, `500ms`, `2h`, `1.5h`), parsed to milliseconds.
 * Hand-written (about 20 lines) because no installed package parses Go's exact grammar: `ms`/`parse-duration`
 * style libraries accept spaces, words and bare numbers that Go rejects, and the config must mean the same
 * thing it meant for the Go exporter.
 */

/** Milliseconds per unit, as Go's time.ParseDuration spells them. */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC greek mu
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Parses a Go duration string to milliseconds; undefined when the text is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  // Go accepts a bare "0" (and only that) without a unit.
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (m === null) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return sign * total;
}

/** Formats milliseconds as a compact Go duration (`90000` → `1m30s`, `3600000` → `1h0m0s` like Go); used for human-readable output. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1) return `${sign}${+(rest * 1000).toFixed(3)}us`;
  if (rest < 1000) return `${sign}${+rest.toFixed(3)}ms`;
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  const s = +(rest / 1000).toFixed(3);
  out += `${s}s`;
  return sign + out;
}
