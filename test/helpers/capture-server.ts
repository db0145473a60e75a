/**
 * A local HTTP receiver on 127.0.0.1 that records every request (method, path, headers, decoded body) and
 * answers with programmable statuses: the stand-in for a push receiver in unit tests of the app layer.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Body as text, gunzipped when Content-Encoding is gzip. */
  text: string;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  /** Statuses for the next requests, consumed in order; afterwards `defaultStatus`. */
  queue(...statuses: number[]): void;
  defaultStatus: number;
  /** Fixed answers for GET paths (e.g. `/-/ready`, `/api/v1/metrics`). */
  routes: Map<string, { status: number; body: string }>;
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const queued: number[] = [];
  const routes = new Map<string, { status: number; body: string }>();
  const state = { defaultStatus: 200 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text =
        req.headers['content-encoding'] === 'gzip'
          ? gunzipSync(body).toString('utf8')
          : body.toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, text });
      const route = req.method === 'GET' ? routes.get(req.url ?? '') : undefined;
      if (route) {
        res.writeHead(route.status, { 'content-type': 'application/json' });
        res.end(route.body);
        return;
      }
      const status = queued.shift() ?? state.defaultStatus;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status >= 400 ? `receiver says ${status}` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    queue: (...s) => queued.push(...s),
    get defaultStatus() {
      return state.defaultStatus;
    },
    set defaultStatus(v: number) {
      state.defaultStatus = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
