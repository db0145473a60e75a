/**
 * The tables of docs/performance.md, made from bench/results.json: the benchmark rewrites them after every
 * run (between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` markers) and a test checks that the page still
 * matches the file, so the figures in the prose cannot drift from the measurements.
 */
type Line = Record<string, unknown>;

const num = (v: unknown, digits = 0): string => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const fixed = v.toFixed(digits);
  const [int = '', frac] = fixed.split('.');
  // Thin groups of three with a plain space, as the prose of the page does.
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
};

const mb = (bytes: unknown): string =>
  typeof bytes === 'number' ? `${num(bytes / 1e6, bytes >= 1e8 ? 1 : 2)} MB` : '—';

const kbOrMb = (bytes: unknown): string => {
  if (typeof bytes !== 'number') return '—';
  return bytes >= 1e6 ? `${num(bytes / 1e6, 2)} MB` : `${num(bytes / 1e3)} KB`;
};

const scenarioName = (s: unknown): string =>
  String(s).replace(/^(\d+k)-nodes-(\d+k)-jobs$/, '$1 nodes / $2 jobs');

const targetName = (t: unknown): string => (t === 'remote_write' ? 'remote write' : String(t));

const flagsOf = (l: Line): string =>
  Array.isArray(l.v8_flags) && l.v8_flags.length > 0 ? `\`${l.v8_flags.join(' ')}\`` : 'defaults';

/** The measured runs of the scenario matrix (not the slope points, not the summary lines). */
export function scenarioRuns(results: readonly Line[]): Line[] {
  return results.filter((l) => typeof l.scenario === 'string' && l.scenario !== 'rss-slope');
}

export function resultsTable(results: readonly Line[]): string {
  const head =
    '| scenario | API | target | V8 | wall | cpu | peak RSS | peak heap | floor | ratio | series | response | pushed (req) | slurmrestd requests |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = scenarioRuns(results).map((l) => {
    const floor = l.floor_ms === null ? '— (body > 512 MiB)' : num(l.floor_ms);
    const ratio = typeof l.ratio === 'number' ? `**${l.ratio.toFixed(2)}**` : '—';
    return `| ${scenarioName(l.scenario)} | ${l.api_version} | ${targetName(l.target)} | ${flagsOf(l)} | ${num(
      l.wall_ms,
    )} | ${num(l.cpu_ms)} | ${num(l.peak_rss_mb, 1)} | ${num(l.peak_heap_used_mb, 1)} | ${floor} | ${ratio} | ${num(
      l.series,
    )} | ${mb(l.response_bytes)} | ${kbOrMb(l.pushed_bytes)} (${num(l.push_requests)}) | ${num(l.requests)} (max ${num(
      l.max_requests_per_endpoint,
    )} per path) |`;
  });
  return [head, ...rows].join('\n');
}

export function costTable(results: readonly Line[]): string {
  const head =
    '| scenario | API | target | V8 | est. duration at 512 MB | GB-s / month | $ / month | sized memory | $ / month sized |\n' +
    '|---|---|---|---|---|---|---|---|---|';
  const rows = scenarioRuns(results).map((l) => {
    const lambda = (l.lambda ?? {}) as Record<string, Record<string, number>>;
    const d = lambda.default_512mb ?? {};
    const s = lambda.sized ?? {};
    return `| ${scenarioName(l.scenario)} | ${l.api_version} | ${targetName(l.target)} | ${flagsOf(l)} | ${num(
      (d.est_duration_ms ?? Number.NaN) / 1000,
      1,
    )} s | ${num(d.gb_seconds_month)} | ${num(d.usd_month, 2)} | ${num(s.memory_mb)} MB | ${num(s.usd_month, 2)} |`;
  });
  return [head, ...rows].join('\n');
}

export function slopeTable(results: readonly Line[]): string {
  const slope = results.find((l) => typeof l.rss_slope_mb_per_10k_jobs === 'number');
  const points = (slope?.points ?? []) as { jobs: number; peak_rss_mb: number }[];
  const head = '| jobs | peak RSS (MB) |\n|---|---|';
  const rows = points.map((p) => `| ${num(p.jobs)} | ${num(p.peak_rss_mb, 1)} |`);
  const tail = `| **slope** | **${num(slope?.rss_slope_mb_per_10k_jobs, 2)} MB per 10k jobs** |`;
  return [head, ...rows, tail].join('\n');
}

const TABLES: Record<string, (r: readonly Line[]) => string> = {
  results: resultsTable,
  cost: costTable,
  slope: slopeTable,
};

/** `page` with every marked table replaced by the one made from `results`. */
export function withTables(page: string, results: readonly Line[]): string {
  let out = page;
  for (const [name, make] of Object.entries(TABLES)) {
    const start = `<!-- bench:${name} -->`;
    const end = `<!-- /bench:${name} -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`docs/performance.md: markers ${start} … ${end} not found`);
    out = `${out.slice(0, a + start.length)}\n${make(results)}\n${out.slice(b)}`;
  }
  return out;
}
