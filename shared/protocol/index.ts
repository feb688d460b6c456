/**
 * The socket.io protocol between the server and the clients: the typed event maps both ends use
 * as generics, one zod schema per inbound event, the ack shape and the protocol version.
 * docs/PROTOCOL.md describes it in prose.
 */
import { z } from 'zod';
import { isolationSchema, liveEventSchema, osSchema, platformSchema, runtimeSchema, windowsBuildSchema } from '../scenario/schema.ts';
import type { Concept } from '../engine/concepts.ts';
import { CPU_WEIGHT } from '../engine/topology.ts';
import { LIMITS } from '../engine/limits.ts';
import type { RejectionCode } from '../engine/rejection.ts';
import type { ClusterDetail, OwnStudentView, ProjectorView, SharedStudentView, TeacherView, RoomStatic } from '../views/types.ts';
import type { ViewDelta } from '../views/patch.ts';
import type { AnswerResult } from '../learning/types.ts';
import { CHECK_STAGES } from '../learning/types.ts';

/** 2: views as deep deltas, the students' shared part as one room broadcast (`view:room`), the clock advanced by clients. */
export const PROTOCOL_VERSION = 2;

/** Inbound payloads larger than this (as JSON) are refused before they are parsed. */
export const MAX_PAYLOAD_BYTES = 8 * 1024;

export const ERROR_CODES = [
  'bad-request',
  'unknown-event',
  'payload-too-large',
  'rate-limited',
  'protocol-mismatch',
  'room-not-found',
  'room-locked',
  'room-ended',
  'room-full',
  'too-many-attempts',
  'bad-nickname',
  'nickname-taken',
  'banned',
  'not-joined',
  'forbidden',
  'rejected',
  'not-saved',
  'unavailable',
  'room-moved',
  'checks-off',
  'wrong-stage',
  'internal',
] as const;
/** Failures a client makes up itself, never sent by the server: no connection, no answer in time, a failed download. */
export const CLIENT_ERROR_CODES = ['offline', 'timeout', 'report'] as const;

/** A refusal's code: the protocol's own, the engine's for a refused game action, or the client's own. */
export type ErrorCode = (typeof ERROR_CODES)[number] | RejectionCode | (typeof CLIENT_ERROR_CODES)[number];

export interface ProtocolError {
  readonly code: ErrorCode;
  readonly message: string;
  /** For a refused game action: the idea behind the refusal. */
  readonly concept?: Concept | null;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ProtocolError };
export type AckFn<T extends object = object> = (response: Ack<T>) => void;

/** The one way to build a refusal: the ack every handler answers a bad request with. */
export function errorReply(code: ErrorCode, message: string, concept?: Concept | null): { ok: false; error: ProtocolError } {
  return { ok: false, error: concept === undefined ? { code, message } : { code, message, concept } };
}

// ---- inbound schemas --------------------------------------------------------------------------

const code = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{6}$/, { error: 'a room code is 6 letters and digits' }));
const token = z.string().min(10).max(100);
const ref = z.string().min(1).max(64);
const protocol = z.literal(PROTOCOL_VERSION, { error: `this server speaks protocol ${PROTOCOL_VERSION}` });

export const NICKNAME_MAX = 24;

/** The player actions a student may send; the server adds the cluster. */
export const playerActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('configureHost'), hostId: ref, platform: platformSchema }),
  z.strictObject({
    type: z.literal('createVm'),
    id: ref.optional(),
    hostId: ref,
    guestOs: osSchema,
    vcpu: z.number().int().min(1).max(256),
    memoryMiB: z.number().min(1).max(4_194_304),
    containerEngine: z.boolean().optional(),
    windowsBuild: windowsBuildSchema.optional(),
  }),
  z.strictObject({ type: z.literal('deleteVm'), vmId: ref }),
  z.strictObject({ type: z.literal('deploy'), id: ref.optional(), appId: ref, runtime: runtimeSchema, target: ref, isolation: isolationSchema.optional() }),
  z.strictObject({ type: z.literal('remove'), instanceId: ref }),
  // An omitted field stays as it is: a log from before weights and memory limits means what it meant.
  z.strictObject({
    type: z.literal('setLimits'),
    instanceId: ref,
    cpu: z.number().min(0.05).max(256).nullable().optional(),
    weight: z.number().int().min(CPU_WEIGHT.min).max(CPU_WEIGHT.max).optional(),
    memoryMiB: z.number().min(1).max(4_194_304).nullable().optional(),
  }),
  z.strictObject({ type: z.literal('ready'), ready: z.boolean().optional() }),
  z.strictObject({ type: z.literal('migrateVm'), vmId: ref, hostId: ref }),
  z.strictObject({ type: z.literal('snapshotVm'), vmId: ref }),
  z.strictObject({ type: z.literal('restoreVm'), vmId: ref }),
  z.strictObject({ type: z.literal('attachVolume'), instanceId: ref, backup: z.boolean() }),
]);
export type PlayerActionInput = z.output<typeof playerActionSchema>;


export const inboundSchemas = {
  'room:join': z.strictObject({
    protocol,
    code,
    nickname: z.string().max(200),
    resumeToken: token.optional(),
    deviceId: token.optional(),
  }),
  'room:host': z.strictObject({ protocol, code, hostToken: token }),
  // A projector opens with its own read-only key, or (the teacher's own browser) the host token.
  'room:project': z.union([z.strictObject({ protocol, code, projectorToken: token }), z.strictObject({ protocol, code, hostToken: token })]),
  'room:leave': z.strictObject({}),
  'player:act': z.strictObject({ action: playerActionSchema }),
  // A concept check's answer: the index of the chosen choice (a question has at most a few).
  'player:answer': z.strictObject({ stage: z.enum(CHECK_STAGES), questionId: ref, choice: z.number().int().min(0).max(9) }),
  'host:control': z.strictObject({ command: z.enum(['start', 'pause', 'resume', 'nextPhase', 'end']) }),
  'host:speed': z.strictObject({ speed: z.number().min(LIMITS.minSpeed).max(LIMITS.maxSpeed) }),
  'host:inject': z.strictObject({ event: liveEventSchema }),
  'host:kick': z.strictObject({ playerId: ref }),
  'host:lock': z.strictObject({ locked: z.boolean() }),
  'host:watch': z.strictObject({ clusterId: ref.nullable() }),
  'host:team': z.strictObject({ playerId: ref, teamId: ref }),
  'host:balance': z.strictObject({ teams: z.number().int().min(2).max(12).optional() }),
} as const;

export type InboundEvent = keyof typeof inboundSchemas;
export type Inbound<E extends InboundEvent> = z.output<(typeof inboundSchemas)[E]>;
export const INBOUND_EVENTS = Object.keys(inboundSchemas) as InboundEvent[];

// ---- replies ------------------------------------------------------------------------------------

export interface JoinReply {
  readonly role: 'student';
  readonly playerId: string;
  readonly resumeToken: string;
  readonly nickname: string;
  readonly room: RoomStatic;
  /** Where the session's replay will be (`/replay/ID`) once the scenario is over: the debrief's "what if" link. */
  readonly replayId: string | null;
}
export interface HostReply {
  readonly role: 'teacher' | 'projector';
  readonly room: RoomStatic;
  /** Where the session's replay will be (`/replay/ID`) once the scenario is over; teacher only. */
  readonly replayId: string | null;
  /** The read-only projector key (link `/project/CODE#key=TOKEN`); teacher only, null for a projector. */
  readonly projectorToken: string | null;
}
/** The answer as kept: right or not, the right choice and why (a repeat gets the first answer's). */
export interface AnswerReply {
  readonly result: AnswerResult;
}
export interface ActReply {
  /** The instance or VM the action created, when it created one. */
  readonly id?: string;
}

// ---- event maps (generics of Server<…> and io()) -----------------------------------------------

export interface ClientToServerEvents {
  'room:join': (payload: Inbound<'room:join'>, ack: AckFn<JoinReply>) => void;
  'room:host': (payload: Inbound<'room:host'>, ack: AckFn<HostReply>) => void;
  'room:project': (payload: Inbound<'room:project'>, ack: AckFn<HostReply>) => void;
  'room:leave': (payload: Inbound<'room:leave'>, ack: AckFn) => void;
  'player:act': (payload: { action: PlayerActionInput }, ack: AckFn<ActReply>) => void;
  'player:answer': (payload: Inbound<'player:answer'>, ack: AckFn<AnswerReply>) => void;
  'host:control': (payload: Inbound<'host:control'>, ack: AckFn) => void;
  'host:speed': (payload: Inbound<'host:speed'>, ack: AckFn) => void;
  'host:inject': (payload: Inbound<'host:inject'>, ack: AckFn) => void;
  'host:kick': (payload: Inbound<'host:kick'>, ack: AckFn) => void;
  'host:lock': (payload: Inbound<'host:lock'>, ack: AckFn) => void;
  'host:watch': (payload: Inbound<'host:watch'>, ack: AckFn<{ cluster: ClusterDetail | null }>) => void;
  'host:team': (payload: Inbound<'host:team'>, ack: AckFn) => void;
  'host:balance': (payload: Inbound<'host:balance'>, ack: AckFn) => void;
}

export interface ServerToClientEvents {
  /**
   * Views are deltas (shared/views/patch.ts): whole after joining, then only what changed; merge
   * with `applyView`. A student's view comes in two parts, merged by `StudentMirror`: the room's
   * shared part (one broadcast to every student) and their own.
   */
  'view:room': (view: ViewDelta<SharedStudentView>) => void;
  'view:student': (view: ViewDelta<OwnStudentView>) => void;
  'view:teacher': (view: ViewDelta<TeacherView>) => void;
  'view:projector': (view: ViewDelta<ProjectorView>) => void;
  /** The cluster the teacher is watching, as it changes. */
  'view:cluster': (cluster: ClusterDetail) => void;
  /** This connection is out of the room: kicked, the room closed, or the seat taken over elsewhere. */
  'room:left': (notice: { reason: 'kicked' | 'closed' | 'replaced' | 'left'; message: string }) => void;
  'server:notice': (notice: { kind: 'restarting' | 'degraded'; message: string }) => void;
}
