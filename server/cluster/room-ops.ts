import { randomInt } from 'node:crypto';
import type { Ack, Inbound, PlayerActionInput } from '../../shared/protocol/index.ts';
import { errorReply } from '../../shared/protocol/index.ts';
import type { TeacherAction } from '../../shared/engine/types.ts';
import type { Room } from '../rooms/room.ts';

/**
 * What may be asked of a room, as plain data: run here when this process owns the room, or sent
 * to its owner (server/cluster/router.ts). A connection id is a socket id, which reaches the socket
 * on whichever process holds it.
 */
export type RoomOp =
  | { readonly kind: 'join'; readonly connId: string; readonly req: Pick<Inbound<'room:join'>, 'nickname' | 'resumeToken' | 'deviceId'>; readonly address: string }
  | { readonly kind: 'host'; readonly connId: string; readonly role: 'teacher' | 'projector'; readonly secret: string; readonly secretKind: 'host' | 'projector' }
  | { readonly kind: 'leave' | 'disconnect'; readonly connId: string }
  | { readonly kind: 'act'; readonly connId: string; readonly action: PlayerActionInput }
  | { readonly kind: 'answer'; readonly connId: string; readonly answer: Inbound<'player:answer'> }
  | { readonly kind: 'command'; readonly connId: string; readonly command: TeacherAction }
  | { readonly kind: 'kick'; readonly connId: string; readonly playerId: string }
  | { readonly kind: 'watch'; readonly connId: string; readonly clusterId: string | null }
  | { readonly kind: 'team'; readonly connId: string; readonly playerId: string; readonly teamId: string }
  | { readonly kind: 'balance'; readonly connId: string; readonly teams?: number }
  | { readonly kind: 'lobby' }
  | { readonly kind: 'nickname' }
  | { readonly kind: 'is-host'; readonly token: string }
  /** The teacher deletes the session and all its data (the host token says it is them). */
  | { readonly kind: 'erase'; readonly token: string };

/**
 * Ops that may be sent again when their first owner vanished without answering: asking twice
 * does what asking once does (a seat is taken over by its resume token, not taken twice; a
 * check's first answer is kept, a second one gets it back). An
 * action is never sent twice: the old owner may have kept it before it died.
 */
export const RETRY_SAFE: ReadonlySet<RoomOp['kind']> = new Set(['join', 'host', 'leave', 'disconnect', 'lobby', 'nickname', 'is-host', 'answer']);

/** A uniform draw in [0, 1) from the system's CSPRNG: nicknames no one can predict in bulk. */
const secureRandom = (): number => randomInt(0, 2 ** 32) / 2 ** 32;

const notJoined = (): Ack => errorReply('not-joined', 'Join a room first.');

export interface OpDeps {
  /** Whether one more new seat may be taken from this address now (the shared rate limit). */
  admitNewSeat(address: string): Promise<boolean>;
  /** Closes the room and deletes it and its replay from the store (RoomRegistry.erase). */
  erase(code: string): Promise<void>;
}

/** Runs an op on a room this process owns. Every answer is plain JSON (it may cross processes). */
export function runOp(room: Room, op: RoomOp, deps: OpDeps): Promise<unknown> {
  switch (op.kind) {
    case 'join':
      // Taken only when a new seat is about to be made: players coming back are never refused.
      return room.join(op.connId, op.req, { admitNewSeat: () => deps.admitNewSeat(op.address) });
    case 'host':
      return room.attachHost(op.connId, op.role, op.secret, op.secretKind);
    case 'disconnect':
      return room.disconnect(op.connId).then(() => ({ ok: true }));
    case 'lobby':
      return Promise.resolve(room.lobbyInfo());
    case 'nickname':
      return Promise.resolve(room.suggestNickname(secureRandom));
    case 'is-host':
      return Promise.resolve(room.isHostToken(op.token));
    case 'erase':
      if (!room.isHostToken(op.token)) return Promise.resolve(errorReply('forbidden', 'Only the teacher of this session can delete it.'));
      return deps.erase(room.code).then(() => ({ ok: true, replayId: room.replayId }));
    default:
      break;
  }
  // The rest are a joined connection's: one that is not in the room is told to join first.
  if (!room.hasConnection(op.connId)) return Promise.resolve(notJoined());
  switch (op.kind) {
    case 'leave':
      return room.leave(op.connId);
    case 'act':
      return room.act(op.connId, op.action);
    case 'answer':
      return room.answer(op.connId, op.answer);
    case 'command':
      return room.command(op.connId, op.command);
    case 'kick':
      return room.kick(op.connId, op.playerId);
    case 'watch':
      return room.watch(op.connId, op.clusterId);
    case 'team':
      return room.assignTeam(op.connId, op.playerId, op.teamId);
    case 'balance':
      return room.balanceTeams(op.connId, op.teams);
  }
}
