import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { io, type Socket } from 'socket.io-client';
import type { Ack, CLIENT_ERROR_CODES, ClientToServerEvents, ServerToClientEvents } from '../../../shared/protocol/index.ts';

export type ClassSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the connection indicator shows. */
export type Connection = 'connecting' | 'online' | 'reconnecting' | 'offline';

type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type Reply<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

export interface SocketControllerOptions {
  /** Subscribes to the server's events; called once, before connecting. */
  listen(socket: ClassSocket): void;
  /** Called on every (re)connect: socket.io reconnects by itself, and the room must be joined again each time. */
  joined(socket: ClassSocket): void;
  /** Called when the connection drops (or the device says it went offline): the seat is gone until the next join. */
  dropped?(): void;
}

const ACK_TIMEOUT_MS = 10_000;

// Sent on every socket.io request: nginx hashes on it (server/deploy/nginx), so long-polling sticks
// to one process. getRandomValues, not randomUUID: a classroom's plain-http page is no secure context.
const LB_KEY = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => (byte % 36).toString(36)).join('');

/**
 * Owns one socket.io connection for the lifetime of its host element: connects when the
 * element is attached, disconnects when it is removed, and tells the element how the
 * connection is doing.
 */
export class SocketController implements ReactiveController {
  connection: Connection = 'connecting';
  private socket: ClassSocket | null = null;
  private stopped = false;
  /** Set while we close and reopen the socket ourselves (the network came back), so it reads as reconnecting. */
  private restarting = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: SocketControllerOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.stopped = false;
    const socket: ClassSocket = io({ autoConnect: false, reconnectionDelay: 500, reconnectionDelayMax: 4000, query: { lb: LB_KEY } });
    this.options.listen(socket);
    socket.on('connect', () => {
      this.set('online');
      this.options.joined(socket);
    });
    socket.on('disconnect', (reason) => {
      this.options.dropped?.();
      // The server closing us (kick, room closed) is final; anything else socket.io retries.
      const final = !this.restarting && (this.stopped || reason === 'io server disconnect' || reason === 'io client disconnect');
      this.set(final ? 'offline' : 'reconnecting');
    });
    socket.on('connect_error', () => {
      if (!this.stopped) this.set(socket.active ? 'reconnecting' : 'offline');
    });
    this.socket = socket;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    socket.connect();
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.stop();
    this.socket?.removeAllListeners();
    this.socket?.io.removeAllListeners();
    this.socket = null;
  }

  /** Stops for good (after room:left): no more reconnecting. */
  stop(): void {
    this.stopped = true;
    this.socket?.disconnect();
    this.set('offline');
  }

  /** Sends one request and resolves with its ack; a timeout becomes an error ack, never a throw. */
  async request<E extends keyof ClientToServerEvents>(event: E, payload: Payload<E>): Promise<Reply<E>> {
    const socket = this.socket;
    if (!socket) return failure('offline', 'Not connected to the server.') as Reply<E>;
    try {
      // socket.io's typed emit cannot follow a generic event name; the maps above keep callers honest.
      const timed = socket.timeout(ACK_TIMEOUT_MS);
      const emit = timed.emitWithAck as unknown as (e: E, p: Payload<E>) => Promise<Reply<E>>;
      return await emit.call(timed, event, payload);
    } catch {
      return failure('timeout', 'The server did not answer in time. Check your connection and try again.') as Reply<E>;
    }
  }

  /**
   * The network is back: try now rather than when socket.io's back-off timer next fires (up to
   * seconds away). Closing and reopening the socket drops the pending timer and connects at once.
   */
  private readonly onOnline = (): void => {
    const socket = this.socket;
    if (!socket || this.stopped || socket.connected) return;
    this.restarting = true;
    socket.disconnect();
    this.restarting = false;
    socket.connect();
  };

  /**
   * The device says it is offline: a socket can look connected for many seconds before its pings
   * time out, so close the transport now. socket.io then retries by itself, and moves wait.
   */
  private readonly onOffline = (): void => {
    const socket = this.socket;
    if (!socket || this.stopped) return;
    this.options.dropped?.();
    this.set('reconnecting');
    if (socket.connected) socket.io.engine?.close();
  };

  private set(connection: Connection): void {
    if (this.connection === connection) return;
    this.connection = connection;
    this.host.requestUpdate();
  }
}

const failure = (code: (typeof CLIENT_ERROR_CODES)[number], message: string): Ack => ({ ok: false, error: { code, message } });
