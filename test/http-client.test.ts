/**
 * lib/http-client.ts on a real keep-alive connection to a local server: what a request leaves on the socket
 * that outlives it (the socket is kept in the Agent across Lambda invocations).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, readText } from '../lib/http-client.js';

describe('httpRequest', () => {
  let server: http.Server;
  let url: URL;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('leaves no listener on a kept-alive socket, so nothing of a finished request stays reachable from it', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<Socket>();
    const closeListeners: number[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const res = await httpRequest(url, { method: 'GET', agent, connectTimeoutMs: 5_000 });
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
    } finally {
      agent.destroy();
    }
  });

  describe('a kept-alive connection the server has closed', () => {
    // The server answers the first request of each connection and drops the connection on the second without
    // a byte of answer: what a client meets when slurmrestd or a gateway closed an idle connection while the
    // Lambda process was frozen.
    let dropping: http.Server;
    let dropUrl: URL;
    let connections = 0;
    let received = 0;
    beforeAll(async () => {
      dropping = http.createServer((req, res) => {
        received++;
        const socket = req.socket as Socket & { served?: number };
        socket.served = (socket.served ?? 0) + 1;
        if (socket.served > 1) socket.destroy();
        else res.end('ok');
      });
      dropping.on('connection', () => connections++);
      await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
      dropUrl = new URL(`http://127.0.0.1:${(dropping.address() as AddressInfo).port}/`);
    });
    afterAll(async () => {
      dropping.closeAllConnections();
      await new Promise<void>((resolve) => dropping.close(() => resolve()));
    });

    it('sends an idempotent request again on a new connection, once per stale one', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        connections = 0;
        received = 0;
        for (const method of ['GET', 'PUT']) {
          const res = await httpRequest(dropUrl, { method, agent });
          expect(await readText(res.body)).toBe('ok');
        }
        // GET on a new connection; PUT on the kept one (dropped), then on a new connection.
        expect(connections).toBe(2);
        expect(received).toBe(3);
      } finally {
        agent.destroy();
      }
    });

    it('does not send a POST twice: the caller sees the reset', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const first = await httpRequest(dropUrl, { method: 'POST', agent, body: Buffer.from('a') });
        expect(await readText(first.body)).toBe('ok');
        received = 0;
        await expect(
          httpRequest(dropUrl, { method: 'POST', agent, body: Buffer.from('b') }),
        ).rejects.toMatchObject({
          code: 'ECONNRESET',
        });
        expect(received).toBe(1);
      } finally {
        agent.destroy();
      }
    });
  });
});
