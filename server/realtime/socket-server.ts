import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ServerOptions, Socket } from 'socket.io';
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { takePoint } from '../common/limits.ts';
import type { Logger } from 'pino';
import type { Ack, ClientToServerEvents, Inbound, InboundEvent, ServerToClientEvents } from '../../shared/protocol/index.ts';
import { INBOUND_EVENTS, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, errorReply, inboundSchemas } from '../../shared/protocol/index.ts';
import { formatIssues } from '../../shared/scenario/errors.ts';
import type { RoomTransport } from '../rooms/room.ts';
import { clientAddressResolver } from '../http/client-address.ts';
import { RouteError, type RoomRouter } from '../cluster/router.ts';
import type { RoomOp } from '../cluster/room-ops.ts';
import { memoryLimiters, type LimiterFactory } from '../common/limits.ts';

interface SocketData {
  /** The room this socket is in, once a join or host attach was accepted. */
  code?: string;
  /** Rooms with a join or attach of this socket in flight: a disconnect must reach them too. */
  entering: Set<string>;
  address: string;
  /**
   * How this socket entered its room (the event and payload, a student's with their resume
   * token): when the room moves to another process, the socket is joined to it there again.
   */
  entry?: { readonly event: 'room:join' | 'room:host' | 'room:project'; readonly payload: unknown };
}
/** Between server processes (through the adapter): a room now runs on the sender. */
interface ServerSideEvents {
  'cc:claimed': (code: string) => void;
}
type IoServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

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
 * A room transport over socket.io: a connection id is a socket id. A socket of this process is
 * written to directly; one on another process is reached through the adapter (`io.to(id)`).
 */
export function socketTransport(getIo: () => IoServer | null): RoomTransport {
  const local = (connId: string) => getIo()?.sockets.sockets.get(connId);
  return {
    send(connId, event, ...args) {
      const socket = local(connId);
      if (socket) socket.emit(event, ...args);
      else getIo()?.to(connId).emit(event, ...args);
    },
    broadcast(channel, event, ...args) {
      // socket.io encodes a broadcast once for all its recipients (perMessageDeflate is off).
      getIo()?.to(channel).emit(event, ...args);
    },
    join(connId, channel) {
      const socket = local(connId);
      if (socket) void socket.join(channel);
      else getIo()?.in(connId).socketsJoin(channel);
    },
    leave(connId, channel) {
      const socket = local(connId);
      if (socket) void socket.leave(channel);
      else getIo()?.in(connId).socketsLeave(channel);
    },
    drop(connId, notice) {
      const io = getIo();
      if (!io) return;
      const socket = local(connId);
      if (socket) {
        socket.data.code = undefined;
        socket.data.entry = undefined;
        socket.emit('room:left', notice);
      } else {
        io.to(connId).emit('room:left', notice);
      }
      // Disconnecting from the server side stops the client's automatic reconnection; the
      // short wait lets the notice go out first.
      setTimeout(() => (socket ? socket.disconnect(true) : io.in(connId).disconnectSockets(true)), 50).unref();
    },
  };
}

export interface RealtimeOptions {
  readonly router: RoomRouter;
  /** The counters shared by every process (Redis), or this process's own; see common/limits.ts. */
  readonly limiters?: LimiterFactory;
  readonly log: Logger;
  /** The client's address from its handshake request: the same rule as the HTTP routes (see client-address.ts). */
  readonly clientAddress?: (req: IncomingMessage) => string;
  readonly onIo?: (io: IoServer) => void;
  /** Several processes: the socket.io adapter that reaches sockets on the others (server/cluster/connect.ts). */
  readonly adapter?: ServerOptions['adapter'];
  /** Several processes: another process announced that it runs this room now. */
  readonly onClaimed?: (code: string) => void;
}

type Reply = Ack<object>;
type Handler<E extends InboundEvent> = (socket: IoSocket, payload: Inbound<E>) => Promise<Reply>;

const notJoined = () => errorReply('not-joined', 'Join a room first.');

/** The socket layer's handle on its rooms: what a room that moved here needs of it. */
export interface Realtime {
  readonly io: IoServer;
  /** A room now runs on another process, or here after another: its sockets of this process join it again where it is. */
  rejoin(code: string): void;
}

export function attachRealtime(http: HttpServer, options: RealtimeOptions): Realtime {
  const { router, log } = options;
  const limiters = options.limiters ?? memoryLimiters;
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
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });
  options.onIo?.(io);
  if (options.onClaimed) io.on('cc:claimed', options.onClaimed);
  const perSocket = new RateLimiterMemory({ points: SOCKET_LIMITS.eventsPerSecond, duration: 1 });
  const refused = new RateLimiterMemory({ points: SOCKET_LIMITS.refusedBeforeDisconnect, duration: SOCKET_LIMITS.refusedWindowS });
  // Shared by every process (a guesser or a bot farm spreading over them still meets one limit).
  const failedJoins: RateLimiterAbstract = limiters('failed-joins', SOCKET_LIMITS.failedJoinsPerWindow, SOCKET_LIMITS.failedJoinWindowS);

  /** Runs an op on the room, wherever it runs; a room gone or moving is answered, never thrown. */
  const route = async (code: string, op: RoomOp): Promise<Reply | null> => {
    try {
      const routed = await router.run(code, op);
      return routed.found ? (routed.value as Reply) : null;
    } catch (error) {
      if (error instanceof RouteError) return errorReply(error.code, error.message);
      throw error;
    }
  };
  /** An op of a socket in a room (an action, a command): a socket in none is told to join first. */
  const inRoom = async (socket: IoSocket, op: RoomOp): Promise<Reply> => {
    const code = socket.data.code;
    if (!code) return notJoined();
    return (await route(code, op)) ?? notJoined();
  };
  const tooMany = (waitMs: number) => errorReply('too-many-attempts', `Too many wrong codes from this network. Try again in ${Math.max(1, Math.ceil(waitMs / 60_000))} min.`);

  /**
   * Entering a room: the code must exist, and failures count against the address. A failure's
   * answer is decided by taking its point, so a burst of guesses cannot all slip under the limit
   * together; attempts that do not fail take nothing, so a class joining at once is never held up.
   */
  const enter = async (socket: IoSocket, given: string, op: RoomOp, entry: SocketData['entry'] & object): Promise<Reply> => {
    const { address } = socket.data;
    const code = given.toUpperCase();
    const standing = await failedJoins.get(address);
    if (standing && standing.remainingPoints <= 0) return tooMany(standing.msBeforeNext);
    socket.data.entering.add(code);
    let result: Reply | null;
    try {
      result = await route(code, op);
    } finally {
      socket.data.entering.delete(code);
    }
    if (result === null) {
      const wait = await takePoint(failedJoins, address);
      return wait === null ? errorReply('room-not-found', `There is no session with the code ${code}. Check the code on the board.`) : tooMany(wait);
    }
    // A wrong host token counts as a guess too (its answer stays "forbidden").
    if (!result.ok && result.error.code === 'forbidden') await takePoint(failedJoins, address);
    if (result.ok) {
      const previous = socket.data.code;
      if (previous && previous !== code) route(previous, { kind: 'disconnect', connId: socket.id }).catch((error: unknown) => log.error({ err: error }, 'leaving the previous room failed'));
      socket.data.code = code;
      // A student comes back by their resume token, not by their nickname (which may be taken by then).
      const token = (result as { resumeToken?: unknown }).resumeToken;
      socket.data.entry = entry.event === 'room:join' && typeof token === 'string' ? { event: entry.event, payload: { ...(entry.payload as object), resumeToken: token } } : entry;
    }
    return result;
  };

  const handlers: { [E in InboundEvent]: Handler<E> } = {
    'room:join': (s, p) => enter(s, p.code, { kind: 'join', connId: s.id, req: { nickname: p.nickname, resumeToken: p.resumeToken, deviceId: p.deviceId }, address: s.data.address }, { event: 'room:join', payload: p }),
    'room:host': (s, p) => enter(s, p.code, { kind: 'host', connId: s.id, role: 'teacher', secret: p.hostToken, secretKind: 'host' }, { event: 'room:host', payload: p }),
    'room:project': (s, p) =>
      enter(s, p.code, 'projectorToken' in p ? { kind: 'host', connId: s.id, role: 'projector', secret: p.projectorToken, secretKind: 'projector' } : { kind: 'host', connId: s.id, role: 'projector', secret: p.hostToken, secretKind: 'host' }, { event: 'room:project', payload: p }),
    'room:leave': async (s) => {
      const reply = await inRoom(s, { kind: 'leave', connId: s.id });
      if (reply.ok) {
        s.data.code = undefined;
        s.data.entry = undefined;
      }
      return reply;
    },
    'player:act': (s, p) => inRoom(s, { kind: 'act', connId: s.id, action: p.action }),
    'player:answer': (s, p) => inRoom(s, { kind: 'answer', connId: s.id, answer: p }),
    'host:control': (s, p) => inRoom(s, { kind: 'command', connId: s.id, command: { type: p.command } }),
    'host:speed': (s, p) => inRoom(s, { kind: 'command', connId: s.id, command: { type: 'setSpeed', speed: p.speed } }),
    'host:inject': (s, p) => inRoom(s, { kind: 'command', connId: s.id, command: { type: 'injectEvent', event: p.event } }),
    'host:kick': (s, p) => inRoom(s, { kind: 'kick', connId: s.id, playerId: p.playerId }),
    'host:lock': (s, p) => inRoom(s, { kind: 'command', connId: s.id, command: { type: 'lock', locked: p.locked } }),
    'host:watch': (s, p) => inRoom(s, { kind: 'watch', connId: s.id, clusterId: p.clusterId }),
    'host:team': (s, p) => inRoom(s, { kind: 'team', connId: s.id, playerId: p.playerId, teamId: p.teamId }),
    'host:balance': (s, p) => inRoom(s, { kind: 'balance', connId: s.id, teams: p.teams }),
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
        route(code, { kind: 'disconnect', connId: socket.id }).catch((error: unknown) => log.error({ err: error, code }, 'disconnect failed'));
      }
      void perSocket.delete(socket.id).catch(() => undefined);
      void refused.delete(socket.id).catch(() => undefined);
    });
  });

  /**
   * The room moved (its new owner announced it): each socket of this process in it leaves the
   * room's broadcasts (they come from the new owner now, against views this socket never had) and
   * enters again, as it first did; the new owner sends it whole views. Its client notices nothing.
   */
  const rejoin = (code: string): void => {
    for (const socket of io.sockets.sockets.values()) {
      const { entry } = socket.data;
      if (socket.data.code !== code || !entry) continue;
      for (const channel of socket.rooms) if (channel !== socket.id) void socket.leave(channel);
      dispatch(entry.event, socket, entry.payload).then(
        (reply) => {
          if (!reply.ok) log.warn({ room: code, socket: socket.id, error: reply.error.code }, 'could not join a moved room again');
        },
        (error: unknown) => log.error({ err: error, room: code }, 'joining a moved room again failed'),
      );
    }
  };
  return { io, rejoin };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
