import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import type { ReactiveControllerHost } from 'lit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startNginx, type TestNginx } from '../support/nginx.ts';
import { eventually } from '../integration/helpers.ts';

// The browser client's own SocketController (client/src/lib/socket-controller.ts), run in Node
// against nginx and three socket.io processes: it starts on long-polling, as a browser does, so
// its handshake, polls and upgrade all need to reach one process. Its lb parameter does that.

interface Seen {
  readonly name: string;
  readonly lb: unknown;
}

describe('the browser client through nginx to three processes', () => {
  let servers: { name: string; port: number; io: SocketServer }[];
  let nginx: TestNginx;

  beforeAll(async () => {
    servers = await Promise.all(
      ['a', 'b', 'c'].map(
        (name) =>
          new Promise<{ name: string; port: number; io: SocketServer }>((resolve) => {
            const http = createServer();
            const io = new SocketServer(http);
            io.on('connection', (socket) => socket.on('whoami', (ack: (seen: Seen) => void) => ack({ name, lb: socket.handshake.query.lb })));
            http.listen(0, '127.0.0.1', () => resolve({ name, port: (http.address() as AddressInfo).port, io }));
          }),
      ),
    );
    nginx = await startNginx({ upstreams: servers.map((s) => s.port) });
    // What the controller reads of the page it runs in: where it was loaded from, and the
    // online/offline events.
    vi.stubGlobal('location', new URL(`${nginx.url}/play/ABC123`));
    vi.stubGlobal('window', { addEventListener: () => {}, removeEventListener: () => {} });
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    await nginx?.stop();
    await Promise.all((servers ?? []).map((s) => new Promise((resolve) => s.io.close(resolve))));
  });

  it('connects over long-polling, upgrades to a WebSocket, and stays on one process', async () => {
    const { SocketController } = await import('../../client/src/lib/socket-controller.ts');
    const host: ReactiveControllerHost = { addController: () => {}, removeController: () => {}, requestUpdate: () => {}, updateComplete: Promise.resolve(true) };
    const transports: string[] = [];
    let raw: { emit(event: string, ack: (seen: Seen) => void): void } | undefined;
    const whoami = () => new Promise<Seen>((resolve) => raw!.emit('whoami', resolve));
    const joins: Promise<Seen>[] = [];
    const controller = new SocketController(host, {
      listen: (socket) => {
        // These test servers speak only `whoami`, outside the game's event maps.
        raw = socket as unknown as typeof raw;
        socket.io.on('open', () => {
          transports.push(socket.io.engine.transport.name);
          socket.io.engine.on('upgrade', (transport: { name: string }) => transports.push(transport.name));
        });
      },
      joined: () => void joins.push(whoami()),
    });
    controller.hostConnected();
    try {
      await eventually(() => expect(controller.connection).toBe('online'));
      await eventually(() => expect(transports).toEqual(['polling', 'websocket']));
      const first = await joins[0]!;
      expect(first.lb).toMatch(/^[0-9a-z]{12}$/);
      // Now over the WebSocket: the same process, with the same key.
      expect(await whoami()).toEqual(first);
      expect(joins).toHaveLength(1);
    } finally {
      controller.hostDisconnected();
    }
  });
});
