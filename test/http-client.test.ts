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
});
