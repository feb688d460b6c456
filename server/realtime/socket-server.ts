import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { Ack, ClientToServerEvents, InboundEvent, ProtocolError, ServerToClientEvents } from '../../shared/protocol/index.ts';
import { INBOUND_EVENTS, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, inboundSchemas } from '../../shared/protocol/index.ts';
import { formatIssues } from '../../shared/scenario/errors.ts';
import type { Room, RoomTransport } from '../rooms/room.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { clientAddressResolver } from '../http/client-address.ts';

interface SocketData {
  code?: string;
  address: string;
}
type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const err = (code: string, message: string): { ok: false; error: ProtocolError } => ({ ok: false, error: { code, message } });

export const SOCKET_LIMITS = {
  /** Events per socket per second; a burst up to this passes. */
  eventsPerSecond: 20,
  /** Failed join or host attempts per address before it must wait (guessing codes or tokens). */
  failedJoinsPerWindow: 30,
  failedJoinWindowS: 600,
  /** Hard cap on one socket.io message; larger ones close the connection (engine.io's rule). */
  maxHttpBufferSize: 64 * 1024,
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
    drop(connId, notice) {
      const socket = getIo()?.sockets.sockets.get(connId);
      if (!socket) return;
      socket.data.code = undefined;
      socket.emit('room:left', notice);
      // Disconnecting from the server side stops the client's automatic reconnection.
      setTimeout(() => socket.disconnect(true), 50);
    },
  };
}

export interface RealtimeOptions {
  readonly registry: RoomRegistry;
  readonly log: Logger;
  /** The client's address from its handshake request: the same rule as the HTTP routes (see client-address.ts). */
  readonly clientAddress?: (req: IncomingMessage) => string;
  readonly onIo?: (io: IoServer) => void;
}

export function attachRealtime(http: HttpServer, options: RealtimeOptions): IoServer {
  const { registry, log } = options;
  const clientAddress = options.clientAddress ?? clientAddressResolver(null);
  const io: IoServer = new Server(http, {
    // Off so socket.io can encode a broadcast once for all recipients (see STACK.md).
    perMessageDeflate: false,
    maxHttpBufferSize: SOCKET_LIMITS.maxHttpBufferSize,
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
  options.onIo?.(io);
  const perSocket = new RateLimiterMemory({ points: SOCKET_LIMITS.eventsPerSecond, duration: 1 });
  const failedJoins = new RateLimiterMemory({ points: SOCKET_LIMITS.failedJoinsPerWindow, duration: SOCKET_LIMITS.failedJoinWindowS });

  const roomOf = (socket: IoSocket): Room | undefined => (socket.data.code ? registry.get(socket.data.code) : undefined);
  const inRoom = async <T extends object>(socket: IoSocket, fn: (room: Room) => Promise<Ack<T>>): Promise<Ack<T>> => {
    const room = roomOf(socket);
    if (!room || !room.hasConnection(socket.id)) return err('not-joined', 'Join a room first.');
    return fn(room);
  };

  /** Entering a room: the code must exist, and failures count against the address. */
  const enter = async <T extends object>(socket: IoSocket, code: string, fn: (room: Room) => Promise<Ack<T>>): Promise<Ack<T>> => {
    const limit = await failedJoins.get(socket.data.address);
    if (limit && limit.remainingPoints <= 0) return err('too-many-attempts', `Too many wrong codes from this network. Try again in ${Math.ceil(limit.msBeforeNext / 60_000)} min.`);
    const room = registry.get(code);
    const result: Ack<T> = room ? await fn(room) : err('room-not-found', `There is no session with the code ${code}. Check the code on the board.`);
    if (!result.ok && (result.error.code === 'room-not-found' || result.error.code === 'forbidden')) await failedJoins.penalty(socket.data.address, 1).catch(() => undefined);
    if (result.ok && room) {
      const previous = roomOf(socket);
      if (previous && previous !== room) previous.disconnect(socket.id);
      socket.data.code = room.code;
    }
    return result;
  };

  const handlers: { [E in InboundEvent]: (socket: IoSocket, payload: never) => Promise<Ack<object>> } = {
    'room:join': (s, p: { code: string; nickname: string; resumeToken?: string; deviceId?: string }) => enter(s, p.code, (room) => room.join(s.id, p)),
    'room:host': (s, p: { code: string; hostToken: string }) => enter(s, p.code, (room) => room.attachHost(s.id, 'teacher', p.hostToken)),
    'room:project': (s, p: { code: string; hostToken: string }) => enter(s, p.code, (room) => room.attachHost(s.id, 'projector', p.hostToken)),
    'room:leave': (s) =>
      inRoom(s, async (room) => {
        s.data.code = undefined;
        return room.leave(s.id);
      }),
    'player:act': (s, p: { action: Parameters<Room['act']>[1] }) => inRoom(s, (room) => room.act(s.id, p.action)),
    'host:control': (s, p: { command: 'start' | 'pause' | 'resume' | 'nextPhase' | 'end' }) => inRoom(s, (room) => room.command(s.id, { type: p.command })),
    'host:speed': (s, p: { speed: number }) => inRoom(s, (room) => room.command(s.id, { type: 'setSpeed', speed: p.speed })),
    'host:inject': (s, p: { event: Extract<Parameters<Room['command']>[1], { type: 'injectEvent' }>['event'] }) =>
      inRoom(s, (room) => room.command(s.id, { type: 'injectEvent', event: p.event })),
    'host:kick': (s, p: { playerId: string }) => inRoom(s, (room) => room.kick(s.id, p.playerId)),
    'host:lock': (s, p: { locked: boolean }) => inRoom(s, (room) => room.command(s.id, { type: 'lock', locked: p.locked })),
    'host:watch': (s, p: { clusterId: string | null }) => inRoom(s, (room) => room.watch(s.id, p.clusterId)),
    'host:team': (s, p: { playerId: string; teamId: string }) => inRoom(s, (room) => room.assignTeam(s.id, p.playerId, p.teamId)),
    'host:balance': (s, p: { teams?: number }) => inRoom(s, (room) => room.balanceTeams(s.id, p.teams)),
  };

  io.on('connection', (socket: IoSocket) => {
    socket.data.address = clientAddress(socket.request);

    // Malformed network input is answered (when it can be) and dropped, never thrown.
    socket.onAny((event: string, ...args: unknown[]) => {
      if ((INBOUND_EVENTS as string[]).includes(event)) return;
      const ack = args.at(-1);
      log.debug({ event, socket: socket.id }, 'unknown event');
      if (typeof ack === 'function') (ack as (r: unknown) => void)(err('unknown-event', `Unknown event "${String(event).slice(0, 40)}".`));
    });

    for (const event of INBOUND_EVENTS) {
      socket.on(event, async (...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (r: Ack<object>) => void) : null;
        const payload = args.length > 1 || !ack ? args[0] : undefined;
        const reply = (r: Ack<object>) => {
          if (ack) ack(r);
        };
        try {
          const limited = await perSocket.consume(socket.id).then(
            () => false,
            () => true,
          );
          if (limited) return reply(err('rate-limited', 'Slow down: too many messages at once.'));
          if (!ack) return; // every inbound event is acknowledged; one without a callback is not ours
          let size: number;
          try {
            size = JSON.stringify(payload ?? null)?.length ?? 0;
          } catch {
            return reply(err('bad-request', 'That message could not be read.'));
          }
          if (size > MAX_PAYLOAD_BYTES) return reply(err('payload-too-large', `Messages are at most ${MAX_PAYLOAD_BYTES} bytes.`));
          if (isRecord(payload) && 'protocol' in payload && payload.protocol !== PROTOCOL_VERSION) {
            return reply(err('protocol-mismatch', `This server speaks protocol ${PROTOCOL_VERSION}; reload the page to get the matching client.`));
          }
          const parsed = inboundSchemas[event].safeParse(payload);
          if (!parsed.success) return reply(err('bad-request', formatIssues(parsed.error).slice(0, 5).join('; ')));
          reply(await handlers[event](socket, parsed.data as never));
        } catch (error) {
          log.error({ err: error, event, socket: socket.id }, 'handler failed');
          reply(err('internal', 'Something went wrong on the server; your last action was not applied.'));
        }
      });
    }

    socket.on('disconnect', () => {
      roomOf(socket)?.disconnect(socket.id);
      void perSocket.delete(socket.id);
    });
  });
  return io;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
