/**
 * Cold-start figures of the deployable bundle: file sizes in dist/, the median time to `require`
 * dist/collect.cjs in a fresh process, and whether any lazily loaded code (OpenTelemetry SDK, remote write,
 * SigV4) leaked into collect.cjs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Inputs that belong to the lazily loaded bundles only (esbuild metafile input paths). */
const LAZY_INPUTS = [
  /lib\/observability\/tracing-sdk\.ts$/,
  /lib\/push\/(remote-write|sigv4)\.ts$/,
  /node_modules\/@opentelemetry\/(sdk-trace|exporter-|otlp-|resources)/,
  /node_modules\/(hysnappy|protobufjs)\//,
  /node_modules\/@grpc\//,
];

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** Bytes in `output` per package (node_modules/<pkg>) or `lib`, largest first. */
export function packageBreakdown(meta: Metafile, output: string, top = 12): Record<string, number> {
  const by = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[output]?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? (m[1] as string) : input.split('/')[0] === 'lib' ? 'lib (own code)' : input;
    by.set(key, (by.get(key) ?? 0) + bytesInOutput);
  }
  return Object.fromEntries(
    [...by.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, Math.round(v / 1024)]),
  );
}

export interface ColdStart {
  bundle_kb: Record<string, number>;
  require_collect_ms_median: number;
  require_collect_ms_samples: number;
  lazy_code_in_collect: string[];
  collect_kb_by_package: Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function measureColdStart(distDir: string, samples = 15): ColdStart {
  const bundle_kb: Record<string, number> = {};
  for (const f of ['collect', 'health', 'cli', 'tracing-sdk', 'remote-write']) {
    const p = path.join(distDir, `${f}.cjs`);
    if (existsSync(p)) bundle_kb[f] = Math.round(statSync(p).size / 1024);
  }
  const collect = path.join(distDir, 'collect.cjs');
  const times: number[] = [];
  const script =
    'const t=process.hrtime.bigint();require(process.argv[1]);' +
    'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  for (let i = 0; i < samples; i++) {
    const r = spawnSync(process.execPath, ['-e', script, collect], { encoding: 'utf8', timeout: 30_000 });
    const ms = Number(r.stdout);
    if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`require(collect.cjs) failed: ${r.stderr}`);
    times.push(ms);
  }
  const metaPath = path.join(distDir, 'meta.json');
  const meta: Metafile = existsSync(metaPath)
    ? (JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile)
    : { outputs: {} };
  const out = Object.keys(meta.outputs).find((o) => o.endsWith('collect.cjs')) ?? '';
  const leaked = Object.keys(meta.outputs[out]?.inputs ?? {}).filter((i) =>
    LAZY_INPUTS.some((r) => r.test(i)),
  );
  return {
    bundle_kb,
    require_collect_ms_median: Math.round(median(times) * 10) / 10,
    require_collect_ms_samples: samples,
    lazy_code_in_collect: leaked,
    collect_kb_by_package: packageBreakdown(meta, out),
  };
}
