/** A recording node:http server on 127.0.0.1 (port 0) for push target tests. */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export type Reply = (req: Recorded, res: ServerResponse, index: number) => void | Promise<void>;

export interface LocalServer {
  url: string;
  requests: Recorded[];
  /** Requests being handled right now, and the maximum seen. */
  inFlight: { now: number; max: number };
  close(): Promise<void>;
}

export async function startServer(reply: Reply): Promise<LocalServer> {
  const requests: Recorded[] = [];
  const inFlight = { now: 0, max: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      requests.push(rec);
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      res.on('close', () => {
        inFlight.now--;
      });
      Promise.resolve(reply(rec, res, requests.length - 1)).catch((err) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Replies with `status` and `body`, optional headers. */
export function respond(
  res: ServerResponse,
  status: number,
  body = '',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, headers);
  res.end(body);
}

/** A URL on 127.0.0.1 where nothing listens (a server bound then closed). */
export async function refusedUrl(): Promise<string> {
  const s = await startServer(() => undefined);
  const url = s.url;
  await s.close();
  return url;
}
