/**
 * A room's teacher and projector, run by the coordinator: the teacher attaches with the host
 * token, starts the run and injects an event; the projector only watches. Their traffic is
 * counted apart from the students'.
 */
import { io, type Socket } from 'socket.io-client';
import { lbKey, watchFrames } from './frames.ts';
import type { Tally } from './stats.ts';

const ACK_TIMEOUT_MS = 15_000;

type Ack = { ok: true } | { ok: false; error: { code: string; message: string } };

export class StaffClient {
  private socket: Socket | null = null;
  private closing = false;
  recording = false;
  bytes = 0;
  messages = 0;

  constructor(
    readonly role: 'teacher' | 'projector',
    readonly code: string,
    private readonly token: string,
    private readonly errors: Tally,
    private readonly protocol: number,
  ) {}

  /** `balanced`: behind nginx, with a random `lb` key of its own so staff spread over the processes too. */
  attach(url: string, localAddress: string, balanced = false): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: ACK_TIMEOUT_MS, localAddress, ...(balanced ? { query: { lb: lbKey() } } : {}) } as never);
      this.socket = socket;
      watchFrames(socket, (bytes, kind) => {
        if (!this.recording) return;
        this.bytes += bytes;
        if (kind === 'event') this.messages++;
      });
      socket.on('connect_error', (error) => {
        this.errors.add(`${this.role}:connect_error`, error.message);
        resolve(false);
      });
      socket.on('disconnect', (reason) => {
        if (!this.closing) this.errors.add(`${this.role}:disconnect`, reason);
      });
      socket.on('connect', () => {
        const [event, payload] =
          this.role === 'teacher'
            ? (['room:host', { protocol: this.protocol, code: this.code, hostToken: this.token }] as const)
            : (['room:project', { protocol: this.protocol, code: this.code, projectorToken: this.token }] as const);
        socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (error: Error | null, reply: Ack) => {
          if (error || !reply.ok) {
            this.errors.add(`${this.role}:attach`, error ? 'timeout' : reply.ok ? '' : reply.error.code);
            return resolve(false);
          }
          resolve(true);
        });
      });
    });
  }

  /** A teacher command; resolves with the time it took, or null if refused (counted as an error). */
  async send(event: 'host:control' | 'host:inject', payload: object): Promise<number | null> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      if (!this.socket) return resolve(null);
      this.socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (error: Error | null, reply: Ack) => {
        if (error || !reply.ok) {
          this.errors.add(`${event}`, error ? 'timeout' : reply.ok ? '' : `${reply.error.code}: ${reply.error.message}`);
          return resolve(null);
        }
        resolve(performance.now() - t0);
      });
    });
  }

  close(): void {
    this.closing = true;
    this.socket?.disconnect();
  }
}
