/**
 * A local slurmrestd stand-in on 127.0.0.1 serving a simulated cluster: `/slurm/vX/*`, `/slurmdb/vX/*` list
 * endpoints and `/openapi/v3`, with slurmrestd's 401/404 text answers, optional JWT check, latency, bandwidth
 * limit and per-path programmable faults for tests. Bodies are streamed element by element.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiVersion, ENDPOINTS, type EndpointName } from '../slurm/model.js';
import { renderDoc, renderStream } from './render.js';
import type { SimCluster } from './types.js';

export const NOT_FOUND_TEXT = 'Unable find requested URL. Please view /openapi/v3 for API reference.';
export const UNAUTHORIZED_TEXT = 'Authentication does not apply to request';
export const DEFAULT_SIM_VERSIONS: ApiVersion[] = ['v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.43', 'v0.0.44'];

/** A programmable failure for one path (e.g. `/slurm/v0.0.44/jobs`, no trailing slash). */
export interface SimFault {
  /** Answer with this status (and `body`, text/plain unless `contentType`) instead of the real response. */
  status?: number;
  body?: string;
  contentType?: string;
  /** Extra delay before answering, in ms. */
  delayMs?: number;
  /** Send only this many bytes of the real body, then destroy the connection. */
  truncateAfterBytes?: number;
  /** How many requests the fault applies to (default: all). */
  times?: number;
}

export interface SimServerOptions {
  cluster: SimCluster;
  versions?: ApiVersion[];
  /** When set, requests must carry `X-SLURM-USER-TOKEN: <token>` or `Authorization: Bearer <token>`. */
  token?: string;
  latencyMs?: number;
  /** Bandwidth limit for response bodies. */
  bytesPerSecond?: number;
  port?: number;
  /** false: `/slurmdb/*` answers 404 like a slurmrestd without slurmdbd. Default true. */
  slurmdb?: boolean;
  faults?: Record<string, SimFault>;
  /**
   * Render every served body once at start and answer from memory (benchmarks: the simulator's own
   * JSON.stringify work then never competes with the client being measured). Default false: render per request.
   */
  cacheBodies?: boolean;
}

export interface SimServerStats {
  requests: number;
  byPath: Record<string, number>;
  bytes: number;
}

export interface SimServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  stats: SimServerStats;
  setToken(token: string | undefined): void;
  setFault(path: string, fault: SimFault | null): void;
  close(): Promise<void>;
}

const ROUTE = /^\/(slurm|slurmdb)\/(v\d+\.\d+\.\d+)\/([a-z_]+)\/?$/;

function endpointFor(api: string, name: string): EndpointName | null {
  for (const [key, e] of Object.entries(ENDPOINTS)) {
    if (e.api === api && e.path === name) return key as EndpointName;
  }
  return null;
}

function text(res: ServerResponse, status: number, body: string, contentType = 'text/plain'): number {
  const buf = Buffer.from(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': buf.length });
  res.end(buf);
  return buf.length;
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers['x-slurm-user-token'];
  const auth = req.headers.authorization;
  if (header !== undefined && auth !== undefined) return false; // slurmrestd: mutually exclusive
  if (header !== undefined) return header === token;
  return auth === `Bearer ${token}`;
}

/** A minimal OpenAPI document naming the served paths (generated, like `slurmrestd --generate-openapi-spec`). */
function openapiDoc(versions: ApiVersion[], slurmdb: boolean): string {
  const paths: Record<string, unknown> = {};
  for (const v of versions) {
    for (const [name, e] of Object.entries(ENDPOINTS)) {
      if (e.api === 'slurmdb' && !slurmdb) continue;
      paths[`/${e.api}/${v}/${e.path}/`] = {
        get: {
          operationId: `${e.api}_${v.replaceAll('.', '')}_get_${name}`,
          responses: { '200': { description: `${name} list` } },
        },
      };
    }
  }
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Slurm REST API (simulated)', version: 'Slurm-sim&openapi/slurmctld&openapi/slurmdbd' },
    paths,
  });
}

async function writeThrottled(
  res: ServerResponse,
  chunk: Buffer,
  bytesPerSecond: number | undefined,
): Promise<boolean> {
  if (res.destroyed) return false;
  const ok = res.write(chunk);
  if (bytesPerSecond && bytesPerSecond > 0) await sleep(Math.ceil((chunk.length / bytesPerSecond) * 1000));
  // Check writableNeedDrain rather than `ok`: the drain may already have happened during the throttle sleep.
  if (!ok && res.writableNeedDrain && !res.destroyed) {
    // Hand-rolled instead of events.once(): once() leaves an 'error'/'close' listener behind per chunk.
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  const versions = opts.versions ?? DEFAULT_SIM_VERSIONS;
  const slurmdb = opts.slurmdb ?? true;
  let token = opts.token;
  const faults = new Map<string, SimFault & { used: number }>(
    Object.entries(opts.faults ?? {}).map(([p, f]) => [p, { ...f, used: 0 }]),
  );
  const stats: SimServerStats = { requests: 0, byPath: {}, bytes: 0 };
  const sockets = new Set<Socket>();
  const cache = new Map<string, Buffer[]>();
  const chunksOf = (version: ApiVersion, endpoint: EndpointName): AsyncIterable<Buffer> | Buffer[] =>
    cache.get(`${version} ${endpoint}`) ?? renderStream(opts.cluster, version, endpoint);
  if (opts.cacheBodies) {
    for (const v of versions) {
      for (const [name, e] of Object.entries(ENDPOINTS)) {
        const endpoint = name as EndpointName;
        if ((e.api === 'slurmdb' && !slurmdb) || !renderDoc(opts.cluster, v, endpoint)) continue;
        const chunks: Buffer[] = [];
        for await (const c of renderStream(opts.cluster, v, endpoint)) chunks.push(c);
        cache.set(`${v} ${endpoint}`, chunks);
      }
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    stats.requests++;
    stats.byPath[key] = (stats.byPath[key] ?? 0) + 1;
    if (opts.latencyMs) await sleep(opts.latencyMs);
    if (!authorized(req, token)) {
      stats.bytes += text(res, 401, UNAUTHORIZED_TEXT);
      return;
    }
    const fault = faults.get(key);
    const active = fault && (fault.times === undefined || fault.used < fault.times) ? fault : undefined;
    if (active) active.used++;
    if (active?.delayMs) await sleep(active.delayMs);
    if (active?.status !== undefined) {
      stats.bytes += text(res, active.status, active.body ?? '', active.contentType);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      stats.bytes += text(res, 405, 'Method not allowed');
      return;
    }
    if (key === '/openapi/v3' || key === '/openapi' || key === '/openapi.json') {
      stats.bytes += text(res, 200, openapiDoc(versions, slurmdb), 'application/json');
      return;
    }
    const m = ROUTE.exec(path);
    const api = m?.[1] ?? '';
    const version = (m?.[2] ?? '') as ApiVersion;
    const endpoint = m ? endpointFor(api, m[3] ?? '') : null;
    const served = endpoint !== null && versions.includes(version) && (api !== 'slurmdb' || slurmdb);
    if (!served || !endpoint || !renderDoc(opts.cluster, version, endpoint)) {
      stats.bytes += text(res, 404, NOT_FOUND_TEXT);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let budget = active?.truncateAfterBytes ?? Number.POSITIVE_INFINITY;
    for await (const chunk of chunksOf(version, endpoint)) {
      const part = chunk.length > budget ? chunk.subarray(0, budget) : chunk;
      budget -= part.length;
      stats.bytes += part.length;
      if (!(await writeThrottled(res, part, opts.bytesPerSecond))) return;
      if (budget <= 0) {
        // Flush what was written, then cut the connection mid-body like a crashed slurmrestd.
        res.socket?.end();
        setImmediate(() => res.destroy());
        return;
      }
    }
    res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) text(res, 500, `sim: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(opts.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setToken: (t) => {
      token = t;
    },
    setFault: (p, f) => {
      if (f) faults.set(p, { ...f, used: 0 });
      else faults.delete(p);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
