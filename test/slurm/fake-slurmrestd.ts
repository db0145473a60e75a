/**
 * Test peers for the slurmrestd client: real node:http(s) servers on 127.0.0.1 (port 0) with a route handler,
 * plus a small Adapter that keeps raw elements (validated by a zod schema of `name`).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import type { Adapter } from '../../lib/slurm/adapters/types.js';
import { type ApiVersion, ENDPOINTS, type EndpointName, type SlurmMeta } from '../../lib/slurm/model.js';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface FakeServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Requests currently being answered, and the maximum seen. */
  inFlight: { now: number; max: number };
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void | Promise<void>;

export async function startServer(
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<FakeServer> {
  const requests: SeenRequest[] = [];
  const inFlight = { now: 0, max: 0 };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
    requests.push(seen);
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    res.on('close', () => {
      inFlight.now--;
    });
    Promise.resolve(handler(req, res, seen)).catch((err: unknown) => {
      res.destroy(err as Error);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A slurmrestd-like envelope for `version`. */
export function envelope(
  version: ApiVersion,
  payload: Record<string, unknown>,
  errors: unknown[] = [],
): unknown {
  return {
    ...payload,
    meta: {
      plugin: { type: 'openapi/slurmctld', data_parser: `data_parser/${version}` },
      slurm: { release: '25.11.0', cluster: 'testcluster' },
    },
    errors,
    warnings: [],
  };
}

const itemSchema = z.object({ name: z.string() }).loose();

/** Adapter used by the client tests: paths by convention, items checked for a string `name`. */
export function testAdapter(version: ApiVersion, opts: { missing?: EndpointName[] } = {}): Adapter {
  return {
    version,
    path(endpoint) {
      if (opts.missing?.includes(endpoint)) return null;
      const e = ENDPOINTS[endpoint];
      return `/${e.api}/${version}/${e.path}`;
    },
    listKey(endpoint) {
      if (endpoint === 'ping') return ['pings'];
      if (endpoint === 'shares') return ['shares', 'shares'];
      return [endpoint];
    },
    meta(rest): SlurmMeta {
      const m = (
        rest as {
          meta?: { plugin?: { data_parser?: string }; slurm?: { release?: string; cluster?: string } };
        }
      ).meta;
      return {
        apiVersion: version,
        cluster: m?.slurm?.cluster ?? null,
        release: m?.slurm?.release ?? null,
        dataParser: m?.plugin?.data_parser ?? null,
      };
    },
    item(_endpoint, raw) {
      // biome-ignore lint/suspicious/noExplicitAny: raw test items stand in for any endpoint's model type
      return itemSchema.parse(raw) as any;
    },
    diag(body) {
      // biome-ignore lint/suspicious/noExplicitAny: the tests only check that the body is handed over
      return (body as { statistics: unknown }).statistics as any;
    },
  };
}

export const testAdapters =
  (opts: { missing?: EndpointName[] } = {}) =>
  (version: ApiVersion): Adapter =>
    testAdapter(version, opts);

/** Extracts `/slurm/v0.0.NN/` from a path. */
export function versionOf(path: string): string | undefined {
  return /\/(v0\.0\.\d+)\//.exec(path)?.[1];
}
