import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { takePoint } from '../common/limits.ts';
import type { Logger } from 'pino';
import type { Ack, ClientToServerEvents, Inbound, InboundEvent, ServerToClientEvents } from '../../shared/protocol/index.ts';
import { INBOUND_EVENTS, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, errorReply, inboundSchemas } from '../../shared/protocol/index.ts';
import { formatIssues } from '../../shared/scenario/errors.ts';
import type { Room, RoomTransport } from '../rooms/room.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { clientAddressResolver } from '../http/client-address.ts';

interface SocketData {
  /** The room this socket is in, once a join or host attach was accepted. */
  code?: string;
  /** Rooms with a join or attach of this socket in flight: a disconnect must reach them too. */
  entering: Set<string>;
  address: string;
}
type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const SOCKET_LIMITS = {
  /** Inbound frames per socket per second, any event (known or not); a burst up to this passes. */
  eventsPerSecond: 20,
  /** Frames refused for the rate within this many seconds before the socket is disconnected. */
  refusedBeforeDisconnect: 200,
  refusedWindowS: 10,
  /** Failed join or host attempts per address before it must wait (guessing codes or tokens). */
  failedJoinsPerWindow: 30,
  failedJoinWindowS: 600,
  /** New seats per address per minute: a school behind one NAT fits; a bot farm does not. */
  newSeatsPerMinute: 120,
  /** Hard cap on one socket.io message; larger ones close the connection (engine.io's rule). */
  maxHttpBufferSize: 64 * 1024,
  /** Heartbeats: a dead connection is noticed by both ends within the sum. */
  pingIntervalMs: 5_000,
  pingTimeoutMs: 5_000,
} as const;

/**
 * A room transport over socket.io: a connection id is a socket id, so `io.to(id)` reaches it
 * (and, with an adapter, reaches it on another process too).
 */
export function socketTransport(getIo: () => IoServer | null): RoomTransport {
  return {
    send(connId, event, ...args) {
      getIo()?.to(connId).emit(event, ...args);
    },
    broadcast(channel, event, ...args) {
      // socket.io encodes a broadcast once for all its recipients (perMessageDeflate is off).
      getIo()?.to(channel).emit(event, ...args);
    },
    join(connId, channel) {
      getIo()?.in(connId).socketsJoin(channel);
    },
    leave(connId, channel) {
      getIo()?.in(connId).socketsLeave(channel);
    },
    drop(connId, notice) {
      const socket = getIo()?.sockets.sockets.get(connId);
      if (!socket) return;
      socket.data.code = undefined;
      socket.emit('room:left', notice);
      // Disconnecting from the server side stops the client's automatic reconnection; the
      // short wait lets the notice go out first.
      setTimeout(() => socket.disconnect(true), 50).unref();
    },
  };
}

export interface RealtimeOptions {
  readonly registry: RoomRegistry;
  readonly log: Logger;
  /** The client's address from its handshake request: the same rule as the HTTP routes (see client-address.ts). */
  readonly clientAddress?: (req: IncomingMessage) => string;
  readonly onIo?: (io: IoServer) => void;
  /** New seats one address may take per minute (SEATS_PER_ADDRESS_PER_MINUTE); SOCKET_LIMITS.newSeatsPerMinute unless set. */
  readonly seatsPerAddressPerMinute?: number;
}

type Reply = Ack<object>;
type Handler<E extends InboundEvent> = (socket: IoSocket, payload: Inbound<E>) => Promise<Reply>;

const notJoined = () => errorReply('not-joined', 'Join a room first.');

export function attachRealtime(http: HttpServer, options: RealtimeOptions): IoServer {
  const { registry, log } = options;
  const clientAddress = options.clientAddress ?? clientAddressResolver(null);
  const io: IoServer = new Server(http, {
    // Off so socket.io can encode a broadcast once for all recipients (see STACK.md).
    perMessageDeflate: false,
    maxHttpBufferSize: SOCKET_LIMITS.maxHttpBufferSize,
    serveClient: false,
    // A client learns its network dropped when pings stop: within pingInterval + pingTimeout
    // (10 s here, not 20), and the server frees the seat's socket as soon. A returning student takes
    // the seat over at once anyway (Room.join); one ping each 5 s per socket costs next to nothing.
    pingInterval: SOCKET_LIMITS.pingIntervalMs,
    pingTimeout: SOCKET_LIMITS.pingTimeoutMs,
  });
  options.onIo?.(io);
  const perSocket = new RateLimiterMemory({ points: SOCKET_LIMITS.eventsPerSecond, duration: 1 });
  const refused = new RateLimiterMemory({ points: SOCKET_LIMITS.refusedBeforeDisconnect, duration: SOCKET_LIMITS.refusedWindowS });
  const failedJoins = new RateLimiterMemory({ points: SOCKET_LIMITS.failedJoinsPerWindow, duration: SOCKET_LIMITS.failedJoinWindowS });
  const newSeats = new RateLimiterMemory({ points: options.seatsPerAddressPerMinute ?? SOCKET_LIMITS.newSeatsPerMinute, duration: 60 });

  const roomOf = (socket: IoSocket): Room | undefined => (socket.data.code ? registry.get(socket.data.code) : undefined);
  const inRoom = async (socket: IoSocket, fn: (room: Room) => Promise<Reply>): Promise<Reply> => {
    const room = roomOf(socket);
    if (!room || !room.hasConnection(socket.id)) return notJoined();
    return fn(room);
  };
  const tooMany = (waitMs: number) => errorReply('too-many-attempts', `Too many wrong codes from this network. Try again in ${Math.max(1, Math.ceil(waitMs / 60_000))} min.`);

  /**
   * Entering a room: the code must exist, and failures count against the address. A failure's
   * answer is decided by taking its point, so a burst of guesses cannot all slip under the limit
   * together; attempts that do not fail take nothing, so a class joining at once is never held up.
   */
  const enter = async (socket: IoSocket, code: string, fn: (room: Room) => Promise<Reply>): Promise<Reply> => {
    const { address } = socket.data;
    const standing = await failedJoins.get(address);
    if (standing && standing.remainingPoints <= 0) return tooMany(standing.msBeforeNext);
    const room = registry.get(code);
    if (!room) {
      const wait = await takePoint(failedJoins, address);
      return wait === null ? errorReply('room-not-found', `There is no session with the code ${code}. Check the code on the board.`) : tooMany(wait);
    }
    socket.data.entering.add(room.code);
    let result: Reply;
    try {
      result = await fn(room);
    } finally {
      socket.data.entering.delete(room.code);
    }
    // A wrong host token counts as a guess too (its answer stays "forbidden").
    if (!result.ok && result.error.code === 'forbidden') await takePoint(failedJoins, address);
    if (result.ok) {
      const previous = roomOf(socket);
      if (previous && previous !== room) previous.disconnect(socket.id).catch((error: unknown) => log.error({ err: error }, 'leaving the previous room failed'));
      socket.data.code = room.code;
    }
    return result;
  };

  const handlers: { [E in InboundEvent]: Handler<E> } = {
    'room:join': (s, p) =>
      enter(s, p.code, (room) =>
        room.join(s.id, p, {
          // Taken only when a new seat is about to be made: players coming back are never refused.
          admitNewSeat: async () => (await takePoint(newSeats, s.data.address)) === null,
        }),
      ),
    'room:host': (s, p) => enter(s, p.code, (room) => room.attachHost(s.id, 'teacher', p.hostToken)),
    'room:project': (s, p) => enter(s, p.code, (room) => ('projectorToken' in p ? room.attachHost(s.id, 'projector', p.projectorToken, 'projector') : room.attachHost(s.id, 'projector', p.hostToken))),
    'room:leave': (s) =>
      inRoom(s, async (room) => {
        s.data.code = undefined;
        return room.leave(s.id);
      }),
    'player:act': (s, p) => inRoom(s, (room) => room.act(s.id, p.action)),
    'host:control': (s, p) => inRoom(s, (room) => room.command(s.id, { type: p.command })),
    'host:speed': (s, p) => inRoom(s, (room) => room.command(s.id, { type: 'setSpeed', speed: p.speed })),
    'host:inject': (s, p) => inRoom(s, (room) => room.command(s.id, { type: 'injectEvent', event: p.event })),
    'host:kick': (s, p) => inRoom(s, (room) => room.kick(s.id, p.playerId)),
    'host:lock': (s, p) => inRoom(s, (room) => room.command(s.id, { type: 'lock', locked: p.locked })),
    'host:watch': (s, p) => inRoom(s, (room) => room.watch(s.id, p.clusterId)),
    'host:team': (s, p) => inRoom(s, (room) => room.assignTeam(s.id, p.playerId, p.teamId)),
    'host:balance': (s, p) => inRoom(s, (room) => room.balanceTeams(s.id, p.teams)),
  };

  /** Validates a payload against its event's schema, then runs the handler with the parsed value. */
  const dispatch = async <E extends InboundEvent>(event: E, socket: IoSocket, payload: unknown): Promise<Reply> => {
    let size: number;
    try {
      size = JSON.stringify(payload ?? null)?.length ?? 0;
    } catch {
      return errorReply('bad-request', 'That message could not be read.');
    }
    if (size > MAX_PAYLOAD_BYTES) return errorReply('payload-too-large', `Messages are at most ${MAX_PAYLOAD_BYTES} bytes.`);
    if (isRecord(payload) && Object.hasOwn(payload, 'protocol') && payload.protocol !== PROTOCOL_VERSION) {
      return errorReply('protocol-mismatch', `This server speaks protocol ${PROTOCOL_VERSION}; reload the page to get the matching client.`);
    }
    const parsed = inboundSchemas[event].safeParse(payload);
    if (!parsed.success) return errorReply('bad-request', formatIssues(parsed.error).slice(0, 5).join('; '));
    const handler: Handler<E> = handlers[event];
    // TypeScript cannot correlate a generic key's schema with its own handler (the schema's
    // output is a union over every event here): this is that event's schema's output.
    return handler(socket, parsed.data as Inbound<E>);
  };

  io.on('connection', (socket: IoSocket) => {
    socket.data.address = clientAddress(socket.request);
    socket.data.entering = new Set();

    // Every inbound frame counts against the rate, known event or not; a socket that keeps
    // hammering after being told to slow down is disconnected. Unknown events are answered
    // here, after the rate, and go no further. Malformed network input is answered (when it
    // can be) and dropped, never thrown.
    socket.use(([event, ...args], next) => {
      const ack = args.at(-1);
      takePoint(perSocket, socket.id).then(
        async (wait) => {
          if (wait === null) {
            if (typeof event === 'string' && (INBOUND_EVENTS as readonly string[]).includes(event)) return next();
            log.debug({ event: String(event).slice(0, 40), socket: socket.id }, 'unknown event');
            if (typeof ack === 'function') ack(errorReply('unknown-event', `Unknown event "${String(event).slice(0, 40)}".`));
            return;
          }
          if (typeof ack === 'function') ack(errorReply('rate-limited', 'Slow down: too many messages at once.'));
          if ((await takePoint(refused, socket.id)) !== null) {
            log.warn({ socket: socket.id, address: socket.data.address, event: String(event).slice(0, 40) }, 'disconnecting a socket that ignores the rate limit');
            socket.disconnect(true);
          }
        },
        (error: unknown) => log.error({ err: error }, 'rate limiter failed'),
      );
    });

    for (const event of INBOUND_EVENTS) {
      socket.on(event, (...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (r: Reply) => void) : null;
        // Every inbound event is acknowledged; one without a callback is not ours.
        if (!ack) return;
        const payload = args.length > 1 ? args[0] : undefined;
        dispatch(event, socket, payload).then(ack, (error: unknown) => {
          log.error({ err: error, event, socket: socket.id }, 'handler failed');
          ack(errorReply('internal', 'Something went wrong on the server; your last action was not applied.'));
        });
      });
    }

    socket.on('disconnect', () => {
      // The room this socket is in, and any it is still entering: the disconnect is queued
      // behind the entry there, so no seat is left online for a socket that is gone.
      const codes = new Set([...(socket.data.code ? [socket.data.code] : []), ...socket.data.entering]);
      for (const code of codes) {
        registry
          .get(code)
          ?.disconnect(socket.id)
          .catch((error: unknown) => log.error({ err: error, code }, 'disconnect failed'));
      }
      void perSocket.delete(socket.id).catch(() => undefined);
      void refused.delete(socket.id).catch(() => undefined);
    });
  });
  return io;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
