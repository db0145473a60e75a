/**
 * Messages between the benchmark's orchestrator and its child processes, plus a tiny node:http helper the
 * children use for control calls (node:http rather than fetch: fetch would load a second HTTP stack into the
 * process whose memory is being measured).
 */
import { request } from 'node:http';

export interface ClusterSpec {
  nodes: number;
  jobs: number;
  versions: string[];
  seed: number;
  /** Fixed user count (the RSS-slope runs keep series constant so only per-job memory shows). */
  users?: number;
}

export interface ServerReady {
  type: 'ready';
  simUrl: string;
  sinkUrl: string;
  /** Serving-side setup time (generate + render into memory), for the log only. */
  setupMs: number;
}

export interface ExporterTask {
  scenario: string;
  version: string;
  target: 'pushgateway' | 'remote_write';
  nodes: number;
  jobs: number;
  simUrl: string;
  sinkUrl: string;
  /** Measure the JSON.parse floor after the run, in its own process (skipped for the RSS-slope runs). */
  floor: boolean;
  /** Extra SLURM_EXPORTER_* settings (profiling by hand: disable collectors, change caps). */
  env?: Record<string, string>;
  /** V8 flags for the exporter process (the memory-saving run: `--optimize-for-size`). */
  v8Flags?: string[];
}

/** The floor process's task: the paths the run requested, fetched again from the server child. */
export interface FloorTask {
  kind: 'floor';
  simUrl: string;
  paths: string[];
  jobs: number;
}

export interface FloorReport {
  type: 'floor';
  /** Null when the naive parse cannot run at all (`floor_note` says why). */
  floor_ms: number | null;
  floor_note?: string;
  body_bytes_per_job: number;
}

/** What the exporter child reports (one JSON line of the results, minus what the orchestrator adds). */
export type ExporterReport = Record<string, unknown> & { type: 'result' };

/** A full collection when the process runs with --expose-gc (the children do); nothing otherwise. */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** GET/POST a URL on 127.0.0.1 and return the whole body (bounded by `timeoutMs`). */
export function httpGet(url: string, opts: { method?: string; timeoutMs?: number } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET' }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        else resolve(Buffer.concat(parts));
      });
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 120_000, () => req.destroy(new Error(`${url}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
