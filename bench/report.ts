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
  Array.isArray(l.v8_flags) && l.v8_flags.length > 0 ? `\`${l.v8_flags.join(' ')}\`` : "Node's defaults";

/**
 * The flags of serverless.yml's default `NODE_OPTIONS` (`${param:nodeOptions, '…'}`): what the Lambda runs
 * with, hence what the benchmark's matrix runs with.
 */
export function deployedNodeOptions(serverlessYml: string): string[] {
  const m = /NODE_OPTIONS:\s*\$\{param:nodeOptions,\s*'([^']*)'\}/.exec(serverlessYml);
  if (!m)
    throw new Error('serverless.yml: no NODE_OPTIONS default of the form $' + "{param:nodeOptions, '…'}");
  return (m[1] ?? '').split(/\s+/).filter(Boolean);
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * The end-to-end ratio of repeated runs, each run `walls[i]` paired with the floor `floors[i]` measured right
 * after it: `ratio` is the median of the pairs' ratios. The VM's slow spells last seconds and slow a run and
 * its floor alike, so pairing cancels them where a ratio of the two medians mixes runs from different spells.
 * That ratio of medians is kept beside it.
 */
export function pairedRatio(
  walls: readonly number[],
  floors: readonly number[],
): { ratio: number; ratio_runs: number[]; ratio_of_medians: number } {
  if (walls.length === 0 || walls.length !== floors.length) {
    throw new Error(`pairedRatio: ${walls.length} runs for ${floors.length} floors`);
  }
  const runs = walls.map((w, i) => w / (floors[i] as number));
  return {
    ratio: round2(median(runs)),
    ratio_runs: runs.map(round2),
    ratio_of_medians: round2(median(walls) / median(floors)),
  };
}

/** The measured runs of the scenario matrix (not the slope points, not the summary lines). */
export function scenarioRuns(results: readonly Line[]): Line[] {
  return results.filter((l) => typeof l.scenario === 'string' && l.scenario !== 'rss-slope');
}

export function resultsTable(results: readonly Line[]): string {
  const head =
    '| scenario | API | target | V8 | wall | cpu | warm wall | peak RSS (two invocations) | peak heap | floor | ratio | series | response | pushed (req) | slurmrestd requests |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const rows = scenarioRuns(results).map((l) => {
    const floor =
      l.floor_ms === null
        ? '— (body > 512 MiB)'
        : l.floor_ms === undefined
          ? '— (not measured)'
          : num(l.floor_ms);
    const ratio = typeof l.ratio === 'number' ? `**${l.ratio.toFixed(2)}**` : '—';
    return `| ${scenarioName(l.scenario)} | ${l.api_version} | ${targetName(l.target)} | ${flagsOf(l)} | ${num(
      l.wall_ms,
    )} | ${num(l.cpu_ms)} | ${num(l.warm_wall_ms)} | ${num(l.peak_rss_mb, 1)} (${num(l.peak_rss_two_invocations_mb, 1)}) | ${num(l.peak_heap_used_mb, 1)} | ${floor} | ${ratio} | ${num(
      l.series,
    )} | ${mb(l.response_bytes)} | ${kbOrMb(l.pushed_bytes)} (${num(l.push_requests)}) | ${num(l.requests)} (max ${num(
      l.max_requests_per_endpoint,
    )} per path) |`;
  });
  return [head, ...rows].join('\n');
}

export function costTable(results: readonly Line[]): string {
  const head =
    '| scenario | API | target | V8 | est. duration at 512 MB (first invocation) | GB-s / month | $ / month | sized memory | $ / month sized |\n' +
    '|---|---|---|---|---|---|---|---|---|';
  const rows = scenarioRuns(results).map((l) => {
    const lambda = (l.lambda ?? {}) as Record<string, Record<string, number>>;
    const d = lambda.default_512mb ?? {};
    const s = lambda.sized ?? {};
    const first = lambda.first_invocation_512mb ?? {};
    return `| ${scenarioName(l.scenario)} | ${l.api_version} | ${targetName(l.target)} | ${flagsOf(l)} | ${num(
      (d.est_duration_ms ?? Number.NaN) / 1000,
      1,
    )} s (${num((first.est_duration_ms ?? Number.NaN) / 1000, 1)} s) | ${num(d.gb_seconds_month)} | ${num(d.usd_month, 2)} | ${num(s.memory_mb)} MB | ${num(s.usd_month, 2)} |`;
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

export interface TargetCheck {
  target: string;
  /** The measured value the target is judged on (worst case over the runs it covers). */
  value: number | string | null;
  limit: number | string;
  met: boolean;
  note?: string;
}

const is100k = (l: Line): boolean => l.jobs === 100_000 && l.scenario !== 'rss-slope';
/** A run of the matrix, with the deployed NODE_OPTIONS (not one of the comparison runs). */
const deployedRun = (l: Line): boolean => l.flags_from !== 'comparison';
const flagsText = (l: Line | undefined): string =>
  Array.isArray(l?.v8_flags) && l.v8_flags.length > 0 ? l.v8_flags.join(' ') : "Node's defaults";
const maxOf = (xs: number[]): number | null => (xs.length === 0 ? null : Math.max(...xs));

/** The targets, judged on the measured lines (the benchmark prints this; nothing enforces it). */
export function targetChecks(results: readonly Line[]): TargetCheck[] {
  const runs = scenarioRuns(results);
  const big = runs.filter(is100k);
  const deployed = big.filter(deployedRun);
  const ratio = maxOf(deployed.flatMap((l) => (typeof l.ratio === 'number' ? [l.ratio] : [])));
  /** A warm container holds the peak of both invocations (peak_rss_two_invocations_mb). */
  const peakOf = (l: Line): number =>
    Math.max(Number(l.peak_rss_mb), Number(l.peak_rss_two_invocations_mb ?? l.peak_rss_mb));
  const rss = maxOf(deployed.map(peakOf));
  const comparisons = big.filter((l) => !deployedRun(l));
  const slope = results.find((l) => typeof l.rss_slope_mb_per_10k_jobs === 'number')
    ?.rss_slope_mb_per_10k_jobs as number | undefined;
  // Both invocations of each run: the warm one must not re-read anything either.
  const perPath = maxOf(
    runs.flatMap((l) => [l.max_requests_per_endpoint, l.warm_max_requests_per_endpoint ?? 0].map(Number)),
  );
  const cold = results.find((l) => l.cold_start)?.cold_start as
    | {
        bundle_kb?: Record<string, number>;
        require_collect_ms_median?: number;
        lazy_code_in_collect?: string[];
      }
    | undefined;
  const bundle = cold?.bundle_kb?.collect ?? null;
  const req = cold?.require_collect_ms_median ?? null;
  const lazy = cold?.lazy_code_in_collect ?? null;
  return [
    {
      target: '100k jobs end to end / JSON.parse floor (median of 5 paired runs, worst line)',
      value: ratio,
      limit: 1.0,
      met: ratio !== null && ratio <= 1.0,
      note: "v0.0.44 has no floor: its body exceeds V8's string limit",
    },
    {
      target: `peak RSS of the 100k-job runs over two invocations, MB (deployed NODE_OPTIONS: ${flagsText(deployed[0])})`,
      value: rss,
      limit: 160,
      met: rss !== null && rss <= 160,
    },
    ...comparisons.map((l) => ({
      target: `peak RSS of the 100k-job ${l.api_version} ${targetName(l.target)} run over two invocations, MB (comparison: ${flagsText(l)})`,
      value: peakOf(l),
      limit: 160,
      met: peakOf(l) <= 160,
    })),
    {
      target: 'RSS growth, MB per 10k jobs',
      value: slope ?? null,
      limit: 2,
      met: slope !== undefined && slope <= 2,
    },
    {
      target: 'HTTP requests per endpoint per invocation (first and warm)',
      value: perPath,
      limit: 1,
      met: perPath === 1,
    },
    { target: 'dist/collect.cjs, KiB', value: bundle, limit: 1024, met: bundle !== null && bundle <= 1024 },
    {
      target: 'require(dist/collect.cjs) median, ms',
      value: req,
      limit: 150,
      met: req !== null && req <= 150,
    },
    {
      target: 'lazy code (OpenTelemetry SDK, remote write) inside collect.cjs',
      value: lazy === null ? null : lazy.length === 0 ? 'none' : lazy.join(', '),
      limit: 'none',
      met: lazy !== null && lazy.length === 0,
    },
  ];
}

export function targetsTable(results: readonly Line[]): string {
  const head = '| target | measured | limit | met? |\n|---|---|---|---|';
  const rows = targetChecks(results).map(
    (t) =>
      `| ${t.target} | ${typeof t.value === 'number' ? num(t.value, Number.isInteger(t.value) ? 0 : t.value < 10 ? 2 : 1) : (t.value ?? '—')} | ${
        typeof t.limit === 'number' ? num(t.limit, Number.isInteger(t.limit) ? 0 : 1) : t.limit
      } | ${t.met ? 'yes' : '**no**'} |`,
  );
  return [head, ...rows].join('\n');
}

const TABLES: Record<string, (r: readonly Line[]) => string> = {
  targets: targetsTable,
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
