/** An in-memory DataSource for runner tests: counts fetches per endpoint, can fail, hang or be unavailable. */

import type { DataSource } from '../../lib/collectors/types.js';
import { ExporterError, SlurmHttpError } from '../../lib/errors.js';
import type { EndpointData, EndpointName, SlurmMeta } from '../../lib/slurm/model.js';
import { meta as makeMeta } from './fixtures.js';

export interface MemorySourceOptions {
  meta?: SlurmMeta;
  /** meta() throws this. */
  metaError?: Error;
  /** fetch(endpoint) throws an HTTP 500 error. */
  failing?: EndpointName[];
  /** fetch(endpoint) throws ENDPOINT_UNAVAILABLE. */
  unavailable?: EndpointName[];
  /** fetch(endpoint) never resolves until aborted. */
  hanging?: EndpointName[];
}

export class MemorySource implements DataSource {
  readonly fetches: Partial<Record<EndpointName, number>> = {};
  readonly aborted: EndpointName[] = [];
  metaCalls = 0;
  /** Highest number of non-streamed fetches in flight at once. */
  maxInFlight = 0;
  private inFlight = 0;

  constructor(
    private readonly data: Partial<EndpointData>,
    private readonly opts: MemorySourceOptions = {},
  ) {}

  async meta(): Promise<SlurmMeta> {
    this.metaCalls += 1;
    if (this.opts.metaError) throw this.opts.metaError;
    return this.opts.meta ?? makeMeta();
  }

  async fetch<E extends EndpointName>(
    endpoint: E,
    opts: {
      onItem?: (item: EndpointData[E] extends (infer T)[] ? T : never) => void;
      signal?: AbortSignal;
    } = {},
  ): Promise<{ data: EndpointData[E] | undefined; meta: SlurmMeta; count: number }> {
    this.fetches[endpoint] = (this.fetches[endpoint] ?? 0) + 1;
    const counted = opts.onItem === undefined;
    if (counted) this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await this.read(endpoint, opts);
    } finally {
      if (counted) this.inFlight -= 1;
    }
  }

  private async read<E extends EndpointName>(
    endpoint: E,
    opts: { onItem?: (item: EndpointData[E] extends (infer T)[] ? T : never) => void; signal?: AbortSignal },
  ): Promise<{ data: EndpointData[E] | undefined; meta: SlurmMeta; count: number }> {
    const m = this.opts.meta ?? makeMeta();
    if (this.opts.unavailable?.includes(endpoint)) {
      throw new ExporterError(`${endpoint} is not served by ${m.apiVersion}`, {
        code: 'ENDPOINT_UNAVAILABLE',
        type: 'http',
      });
    }
    if (this.opts.failing?.includes(endpoint)) {
      throw new SlurmHttpError(`GET ${endpoint} failed with status 500`, { endpoint, status: 500 });
    }
    if (this.opts.hanging?.includes(endpoint)) {
      await new Promise<void>((_, reject) => {
        const stop = (): void => {
          this.aborted.push(endpoint);
          reject(opts.signal?.reason ?? new Error('aborted'));
        };
        if (opts.signal?.aborted) stop();
        opts.signal?.addEventListener('abort', stop, { once: true });
      });
    }
    // Yield once so fetches really run concurrently, as network reads would.
    await new Promise((r) => setImmediate(r));
    const data = this.data[endpoint];
    if (data === undefined)
      throw new SlurmHttpError(`no test data for ${endpoint}`, { endpoint, status: 404 });
    if (opts.onItem && Array.isArray(data)) {
      for (const item of data) opts.onItem(item as never);
      return { data: undefined, meta: m, count: data.length };
    }
    return { data, meta: m, count: Array.isArray(data) ? data.length : 1 };
  }
}
