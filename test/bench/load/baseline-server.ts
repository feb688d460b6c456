/**
 * The baseline: a bare socket.io server with the real server's options (perMessageDeflate off,
 * the same buffer size and heartbeats) and no room logic. On request it delivers messages of
 * given sizes at a given total rate, one per-socket `socket.emit` each, spread over its
 * connections round-robin on a 100 ms period (the real server's clock period).
 */
import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { startMeter } from './meter.ts';
import { serveParent } from './proc.ts';
import { Counts, type CountsJson } from './stats.ts';

const meter = startMeter();

// The real server's settings (server/realtime/socket-server.ts, SOCKET_LIMITS), restated here so
// an older checkout under --server-root cannot change what the baseline is.
const http = createServer();
const io = new Server(http, { perMessageDeflate: false, maxHttpBufferSize: 64 * 1024, serveClient: false, pingInterval: 5_000, pingTimeout: 5_000 });
const sockets: Socket[] = [];
io.on('connection', (socket) => {
  sockets.push(socket);
  socket.on('disconnect', () => {
    const i = sockets.indexOf(socket);
    if (i >= 0) sockets.splice(i, 1);
  });
});

let loop: NodeJS.Timeout | null = null;
let sent = 0;

serveParent({
  listen: () =>
    new Promise((resolve) => {
      http.listen(0, '127.0.0.1', () => {
        meter.startWhole();
        resolve({ port: (http.address() as { port: number }).port });
      });
    }),
  connections: () => ({ connections: sockets.length }),
  /** `ratePerS` messages a second in all; each a frame of a size drawn from `sizes` (bytes on the wire). */
  send: (body) => {
    const ratePerS = Number(body.ratePerS);
    const event = String(body.event ?? 'view:student');
    const draw = Counts.from(body.sizes as CountsJson).sampler();
    // A frame is `42["event",{"s":"…"}]`: the string is the size less that overhead.
    const overhead = `42${JSON.stringify([event, { s: '' }])}`.length;
    const payloads = new Map<number, { s: string }>();
    const payload = (size: number) => {
      const n = Math.max(0, size - overhead);
      let p = payloads.get(n);
      if (!p) payloads.set(n, (p = { s: 'x'.repeat(n) }));
      return p;
    };
    let budget = 0;
    let cursor = 0;
    if (loop) clearInterval(loop);
    loop = setInterval(() => {
      budget += ratePerS / 10;
      const n = Math.floor(budget);
      budget -= n;
      for (let i = 0; i < n && sockets.length > 0; i++) {
        cursor = (cursor + 1) % sockets.length;
        sockets[cursor]!.emit(event, payload(draw()));
        sent++;
      }
    }, 100);
    return {};
  },
  stopSending: () => {
    if (loop) clearInterval(loop);
    loop = null;
    return { sent };
  },
  reset: () => meter.reset(),
  sample: () => meter.sample(),
  rss: () => meter.rss(),
  exit: () => void setTimeout(() => process.exit(0), 50),
});
