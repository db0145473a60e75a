/**
 * lib/http-client.ts on a real keep-alive connection to a local server: what a request leaves on the socket
 * that outlives it (the socket is kept in the Agent across Lambda invocations), and what it does when that
 * socket turns out to be closed.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, readText } from '../lib/http-client.js';

/** A local server on 127.0.0.1 for the tests of one describe block, closed after them. */
function localServer(handler: http.RequestListener): { server: () => http.Server; url: () => URL } {
  let server: http.Server;
  let url: URL;
  beforeAll(async () => {
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server: () => server, url: () => url };
}

/** Runs `fn` with a keep-alive Agent of one connection, destroyed afterwards. */
async function withAgent(fn: (agent: http.Agent) => Promise<void>): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await fn(agent);
  } finally {
    agent.destroy();
  }
}

describe('httpRequest', () => {
  const ok = localServer((_req, res) => res.end('ok'));

  it('leaves no listener on a kept-alive socket, so nothing of a finished request stays reachable from it', async () => {
    await withAgent(async (agent) => {
      const sockets = new Set<Socket>();
      const closeListeners: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await httpRequest(ok.url(), { method: 'GET', agent, connectTimeoutMs: 5_000 });
        const socket = res.body.socket as Socket;
        sockets.add(socket);
        expect(await readText(res.body)).toBe('ok');
        // The socket goes back to the agent's pool once the response has ended.
        await new Promise((resolve) => setImmediate(resolve));
        closeListeners.push(socket.listenerCount('close'));
      }
      // One connection served every request: the connect timer's listeners were added on it once.
      expect(sockets.size).toBe(1);
      // The count after the first request is what Node itself keeps; requests must not add to it.
      expect(new Set(closeListeners).size).toBe(1);
      const socket = [...sockets][0] as Socket;
      const ours = socket.listeners('close').filter((l) => /clearTimeout/.test(String(l)));
      expect(ours).toEqual([]);
    });
  });

  describe('a kept-alive connection the server has closed', () => {
    // The server answers the first request of each connection and drops the connection on the second without
    // a byte of answer: what a client meets when slurmrestd or a gateway closed an idle connection while the
    // Lambda process was frozen.
    let connections = 0;
    let received = 0;
    const dropping = localServer((req, res) => {
      received++;
      const socket = req.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served > 1) socket.destroy();
      else res.end('ok');
    });
    beforeAll(() => {
      dropping.server().on('connection', () => connections++);
    });

    it('sends an idempotent request again on a new connection, once per stale one', async () => {
      await withAgent(async (agent) => {
        connections = 0;
        received = 0;
        for (const method of ['GET', 'PUT']) {
          const res = await httpRequest(dropping.url(), { method, agent });
          expect(await readText(res.body)).toBe('ok');
        }
        // GET on a new connection; PUT on the kept one (dropped), then on a new connection.
        expect(connections).toBe(2);
        expect(received).toBe(3);
      });
    });

    it('does not send a POST twice: the caller sees the reset', async () => {
      await withAgent(async (agent) => {
        const first = await httpRequest(dropping.url(), { method: 'POST', agent, body: Buffer.from('a') });
        expect(await readText(first.body)).toBe('ok');
        received = 0;
        await expect(
          httpRequest(dropping.url(), { method: 'POST', agent, body: Buffer.from('b') }),
        ).rejects.toMatchObject({ code: 'ECONNRESET' });
        expect(received).toBe(1);
      });
    });
  });
});
