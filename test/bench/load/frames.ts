/**
 * The wire size of what a client receives: every engine.io packet as it arrived (the text frame
 * `42["view:student",{…}]` is 1 byte of engine.io type plus the socket.io packet), with the
 * event's name read off the frame itself, so nothing here depends on the view protocol.
 */
import type { Socket } from 'socket.io-client';

export type FrameKind = 'event' | 'ack' | 'other';

/** Calls `fn` for every packet the socket's connection receives. */
export function watchFrames(socket: Socket, fn: (bytes: number, kind: FrameKind, event: string | null) => void): void {
  // The manager opens its engine synchronously in io() (autoConnect), so it is there already.
  const engine = socket.io.engine as unknown as { on(e: 'packet', f: (p: { type: string; data?: unknown }) => void): void };
  engine.on('packet', (packet) => {
    const data = typeof packet.data === 'string' ? packet.data : '';
    const bytes = 1 + Buffer.byteLength(data);
    if (packet.type !== 'message') return fn(bytes, 'other', null);
    // socket.io packet types: 2 an event, 3 an ack (server → client, default namespace).
    const type = data.charCodeAt(0);
    if (type === 51) return fn(bytes, 'ack', null);
    if (type === 50 && data.charCodeAt(1) === 91 && data.charCodeAt(2) === 34) return fn(bytes, 'event', data.slice(3, data.indexOf('"', 3)));
    fn(bytes, 'other', null);
  });
}

/** A client's address on loopback for seat `i`: 127.10.x.y, one per `perAddress` seats (per-address limits of an older server). */
export function loopbackAddress(i: number, perAddress: number, second = 10): string {
  const k = Math.floor(i / perAddress);
  return `127.${second}.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`;
}

/** A client's key for nginx's `hash $arg_lb consistent`: random per client, as the browser client's (client/src/lib/socket-controller.ts). */
export function lbKey(): string {
  return Math.random().toString(36).slice(2, 12);
}
