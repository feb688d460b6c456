import { Router, json } from 'express';
import type { Request, Response, NextFunction } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { LIMITS } from '../../shared/engine/limits.ts';
import { DEFAULT_SPEED } from '../../shared/views/pace.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { StoreError, type Replay, type RoomStore } from '../storage/store.ts';
import { buildClassReport, classReportCsv } from '../reports/class-report.ts';
import { readSnapshot } from '../rooms/journal.ts';
import { publicReplay, publicSnapshot } from '../replays/public-replay.ts';
import { RoomLimitError } from '../rooms/registry.ts';
import { memoryLimiters, takePoint, type LimiterFactory } from '../common/limits.ts';
import { RouteError, type RoomRouter } from '../cluster/router.ts';
import type { RoomOp } from '../cluster/room-ops.ts';
import { sameSecret } from '../common/secrets.ts';
import { clientAddressResolver, type TrustProxy } from './client-address.ts';

export interface ApiOptions {
  readonly registry: RoomRegistry;
  /** Reads of a live room go to the process that runs it. */
  readonly rooms: RoomRouter;
  /** The counters shared by every process (Redis), or this process's own. */
  readonly limiters?: LimiterFactory;
  readonly store: RoomStore;
  /** When set, creating a room requires it (TEACHER_PASSCODE). */
  readonly teacherPasscode?: string;
  readonly trustProxy?: TrustProxy;
  /** Rooms every address together may create per minute (MAX_ROOM_CREATES_PER_MINUTE). */
  readonly maxRoomCreatesPerMinute?: number;
  /** Rooms one address may create per window (ROOMS_PER_ADDRESS); API_LIMITS.createsPerAddress unless set. */
  readonly roomsPerAddress?: number;
  /** A self-paced attempt's replay (server/assignments/replay.ts), for replay ids no session has. */
  readonly attemptReplay?: (replayId: string) => Promise<Replay | null>;
}

export const API_LIMITS = {
  /** Rooms one address may create per window: a teacher makes a handful a lesson. */
  createsPerAddress: 30,
  createWindowS: 600,
  /**
   * Rooms all addresses together may create per minute, unless MAX_ROOM_CREATES_PER_MINUTE says
   * otherwise: a few dozen addresses must not fill the room cap in seconds.
   */
  createsPerMinute: 120,
  /** Lookups (a room's lobby, reports, replays and their snapshots) per address per minute. */
  lookupsPerMinute: 60,
} as const;

/** An uploaded scenario is bounded: a real one is a few kilobytes. */
export const MAX_SCENARIO_BYTES = 256 * 1024;

const createRoomSchema = z.strictObject({
  scenarioId: z.string().max(80).optional(),
  scenario: z.unknown().optional(),
  mode: z.enum(['solo', 'teams']).default('solo'),
  passcode: z.string().max(200).optional(),
  /** The pace (simulated seconds per clock period, shared/views/pace.ts); the Classroom pace unless given. */
  speed: z.number().min(LIMITS.minSpeed).max(LIMITS.maxSpeed).default(DEFAULT_SPEED),
  /** Team mode: how many teams there are from the start (newcomers fill the smallest). */
  teams: z.number().int().min(2).max(12).default(4),
  /** Concept checks: about five questions before the run and after the debrief. */
  checks: z.boolean().default(false),
});

/** Every `error.code` the REST API answers with (docs/PROTOCOL.md, REST). */
export const API_ERROR_CODES = [
  'bad-request',
  'bad-json',
  'bad-request-size',
  'request-aborted',
  'bad-scenario',
  'unknown-scenario',
  'passcode-required',
  'forbidden',
  'token-in-url',
  'not-found',
  'room-not-found',
  'unavailable',
  'room-moved',
  'replay-not-found',
  'snapshot-not-found',
  'payload-too-large',
  'unsupported-encoding',
  'unsupported-charset',
  'rate-limited',
  'server-busy',
  'too-many-rooms',
  'store-unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

const apiError = (res: Response, status: number, code: ApiErrorCode, message: string, details?: string[]) =>
  res.status(status).json({ error: details ? { code, message, details } : { code, message } });

/** A rate limit's verdict: null when allowed, else the whole seconds to wait (for Retry-After). */
const seatSchema = z.strictObject({ resumeToken: z.string().min(10).max(100) });

/** What a replay id can be (the client's router says the same): anything else is never looked up. */
const REPLAY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The bearer token of a request, or '' (tokens never come in URLs: they end up in logs). */
const bearer = (req: Request): string => /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';

async function waitFor(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  const ms = await takePoint(limiter, key);
  return ms === null ? null : Math.max(1, Math.ceil(ms / 1000));
}

export function apiRouter({ registry, rooms, limiters = memoryLimiters, store, teacherPasscode, trustProxy, maxRoomCreatesPerMinute, roomsPerAddress, attemptReplay }: ApiOptions): Router {
  const router = Router();
  const creates = limiters('room-creates', roomsPerAddress ?? API_LIMITS.createsPerAddress, API_LIMITS.createWindowS);
  const allCreates = limiters('room-creates-all', maxRoomCreatesPerMinute ?? API_LIMITS.createsPerMinute, 60);
  const lookups = limiters('lookups', API_LIMITS.lookupsPerMinute, 60);
  /**
   * Asks the live room (here, or on the process that runs it): undefined when there is none, and
   * a 503 already answered when it is moving between processes.
   */
  const ask = async (res: Response, code: string, op: RoomOp): Promise<{ value: unknown } | undefined | null> => {
    try {
      const routed = await rooms.run(code, op);
      return routed.found ? { value: routed.value } : undefined;
    } catch (error) {
      if (!(error instanceof RouteError)) throw error;
      res.setHeader('Retry-After', '2');
      apiError(res, 503, error.code, error.message);
      return null;
    }
  };
  const address = clientAddressResolver(trustProxy ?? null);
  /** Counts a lookup against the caller's address; answers 429 (and returns false) past the limit. */
  const lookupAllowed = async (req: Request, res: Response): Promise<boolean> => {
    const wait = await waitFor(lookups, address(req));
    if (wait === null) return true;
    res.setHeader('Retry-After', String(wait));
    apiError(res, 429, 'rate-limited', 'Too many requests from this network; wait a minute.');
    return false;
  };

  router.get('/config', (_req, res) => {
    res.json({ protocol: PROTOCOL_VERSION, teacherPasscodeRequired: Boolean(teacherPasscode) });
  });

  router.get('/scenarios', (_req, res) => {
    res.json(SCENARIOS.map((s) => ({ id: s.id, title: s.title, summary: s.summary, durationS: s.durationS, hosts: s.hosts.length, apps: s.apps.length })));
  });

  router.post('/rooms', json({ limit: MAX_SCENARIO_BYTES }), async (req, res) => {
    const wait = await waitFor(creates, address(req));
    if (wait !== null) {
      res.setHeader('Retry-After', String(wait));
      return apiError(res, 429, 'rate-limited', 'Too many sessions created from this network; wait a few minutes.');
    }
    const body = createRoomSchema.safeParse(req.body ?? {});
    if (!body.success) return apiError(res, 400, 'bad-request', 'The request is not valid.', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const { scenarioId, scenario: uploaded, mode, passcode, speed, teams, checks } = body.data;
    if (teacherPasscode && !sameSecret(passcode ?? '', teacherPasscode)) {
      return apiError(res, passcode ? 403 : 401, 'passcode-required', passcode ? 'That teacher passcode is not right.' : 'This server needs the teacher passcode to create a session.');
    }
    let scenario;
    if (uploaded !== undefined) {
      const parsed = parseScenario(uploaded);
      if (!parsed.ok) return apiError(res, 400, 'bad-scenario', `The scenario file has ${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'}.`, parsed.errors);
      scenario = parsed.value;
    } else if (scenarioId) {
      scenario = getScenario(scenarioId);
      if (!scenario) return apiError(res, 404, 'unknown-scenario', `There is no built-in scenario "${scenarioId}".`);
    } else {
      return apiError(res, 400, 'bad-request', 'Give a scenarioId or upload a scenario.');
    }
    // Counted only for a room about to be made, so a flood of refused requests cannot use it up.
    const busy = await waitFor(allCreates, 'all');
    if (busy !== null) {
      res.setHeader('Retry-After', String(busy));
      return apiError(res, 429, 'server-busy', `This server is creating many sessions right now; try again in ${busy} s.`);
    }
    try {
      const { code, hostToken, projectorToken } = await registry.create(scenario, mode, { speed, teams, checks });
      res.status(201).json({ code, hostToken, projectorToken });
    } catch (error) {
      if (error instanceof RoomLimitError) return apiError(res, 503, error.code, `${error.message} Try again when one has ended.`);
      throw error;
    }
  });

  router.get('/rooms/:code', async (req, res) => {
    if (!(await lookupAllowed(req, res))) return;
    const lobby = await ask(res, String(req.params.code ?? ''), { kind: 'lobby' });
    if (lobby === null) return;
    if (!lobby) return apiError(res, 404, 'room-not-found', 'There is no session with that code.');
    res.json(lobby.value);
  });

  // A classroom-safe nickname nobody in the room has yet, for the join form's "Suggest".
  router.get('/rooms/:code/nickname', async (req, res) => {
    if (!(await lookupAllowed(req, res))) return;
    const nickname = await ask(res, String(req.params.code ?? ''), { kind: 'nickname' });
    if (nickname === null) return;
    if (!nickname) return apiError(res, 404, 'room-not-found', 'There is no session with that code.');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ nickname: nickname.value });
  });

  // The teacher's report, as JSON or CSV, at any time. The host token comes only as a bearer
  // token: in a URL it would be kept in server logs, browser history and referrers.
  router.get('/rooms/:code/report.:format', async (req, res) => {
    const format = String(req.params.format);
    if (format !== 'json' && format !== 'csv') return apiError(res, 404, 'not-found', 'Reports come as report.json or report.csv.');
    if (!(await lookupAllowed(req, res))) return;
    if (req.query.token !== undefined) return apiError(res, 400, 'token-in-url', 'Send the host token in the Authorization header (Bearer), not in the URL: a URL ends up in logs and browser history.');
    const code = String(req.params.code ?? '').toUpperCase();
    const token = bearer(req);
    const isHost = await ask(res, code, { kind: 'is-host', token });
    if (isHost === null) return;
    if (!isHost) return apiError(res, 404, 'room-not-found', 'There is no session with that code.');
    if (!token || isHost.value !== true) return apiError(res, 403, 'forbidden', 'Only the teacher of this session can download its report.');
    const meta = await store.getRoom(code);
    if (!meta) return apiError(res, 404, 'room-not-found', 'This session is no longer kept.');
    const log = await store.readLog(code);
    // A log the store had to start again (it lost the room) begins after a snapshot: start there.
    const first = log[0]?.seq ?? 1;
    const start = first > 1 ? await store.getSnapshot(code, first - 1) : null;
    const report = buildClassReport(meta, log, start ? readSnapshot(start) : null);
    const name = `clusterclass-${code}-${meta.scenario.id}-report.${format}`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'json') res.json(report);
    else res.type('text/csv; charset=utf-8').send(classReportCsv(report));
  });

  // The teacher deletes the session and everything kept about it: the live room (closed for
  // everyone in it), its log and snapshots, and its replay (`?replay=ID`, for a session that is
  // no longer live, from the teacher's list). The host token comes as a bearer token.
  router.delete('/rooms/:code', async (req, res) => {
    if (!(await lookupAllowed(req, res))) return;
    const code = String(req.params.code ?? '').toUpperCase();
    const token = bearer(req);
    const replayId = typeof req.query.replay === 'string' && REPLAY_ID.test(req.query.replay) ? req.query.replay : null;
    if (!token) return apiError(res, 403, 'forbidden', 'Only the teacher of this session can delete it: send its host token as a bearer token.');
    const erased = await ask(res, code, { kind: 'erase', token });
    if (erased === null) return;
    let found = false;
    if (erased) {
      const reply = erased.value as { ok: boolean };
      if (!reply.ok) return apiError(res, 403, 'forbidden', 'Only the teacher of this session can delete it.');
      found = true;
    }
    // What is left in the store when the room no longer runs: a copy that was never restored, its replay.
    const meta = erased ? null : await store.getRoom(code);
    if (meta) {
      if (!sameSecret(token, meta.hostToken)) return apiError(res, 403, 'forbidden', 'Only the teacher of this session can delete it.');
      await store.deleteRoom(code);
      if (meta.replayId) await store.deleteReplay(meta.replayId);
      found = true;
    }
    const replay = replayId ? await store.getReplay(replayId) : null;
    if (replay && replay.meta.code === code) {
      if (!sameSecret(token, replay.meta.hostToken)) return apiError(res, 403, 'forbidden', 'Only the teacher of this session can delete it.');
      await store.deleteReplay(replayId!);
      found = true;
    }
    if (!found) return apiError(res, 404, 'room-not-found', 'There is no session with that code, or it was already deleted.');
    res.setHeader('Cache-Control', 'no-store');
    res.status(204).end();
  });

  // A finished session as a replay, for anyone with its link: the log and where it can seek.
  router.get('/replays/:id', async (req, res) => {
    if (!(await lookupAllowed(req, res))) return;
    const id = String(req.params.id);
    const replay = (await store.getReplay(id)) ?? (attemptReplay && REPLAY_ID.test(id) ? await attemptReplay(id) : null);
    if (!replay) return apiError(res, 404, 'replay-not-found', 'There is no replay with that link, or it has expired.');
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.json(publicReplay(replay));
  });

  // Which seat of a replay this browser had, from the resume token it kept: the public replay
  // scrubs every token, so only the one who sat there can learn it was them ("(you)").
  router.post('/replays/:id/seat', json({ limit: '1kb' }), async (req, res) => {
    if (!(await lookupAllowed(req, res))) return;
    const body = seatSchema.safeParse(req.body ?? {});
    if (!body.success) return apiError(res, 400, 'bad-request', 'Send the resumeToken this browser kept for the room.');
    const replay = await store.getReplay(String(req.params.id));
    if (!replay) return apiError(res, 404, 'replay-not-found', 'There is no replay with that link, or it has expired.');
    let playerId: string | null = null;
    for (const { action } of replay.log) {
      if (action.type === 'room:seat' && sameSecret(body.data.resumeToken, action.resumeToken)) playerId = action.playerId;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json({ playerId });
  });

  // One snapshot, read on its own: loading the whole replay per seek would let anyone with a
  // link make the server parse a long session's log over and over.
  router.get('/replays/:id/snapshots/:seq', async (req, res) => {
    if (!(await lookupAllowed(req, res))) return;
    const seq = String(req.params.seq);
    const snapshot = /^\d{1,15}$/.test(seq) ? await store.getReplaySnapshot(String(req.params.id), Number(seq)) : null;
    if (!snapshot) return apiError(res, 404, 'snapshot-not-found', 'There is no such snapshot in that replay.');
    res.json(publicSnapshot(snapshot));
  });

  router.use((_req, res) => apiError(res, 404, 'not-found', 'No such API endpoint.'));
  // Bodies the parser refuses land here, as do surprises: answer, never crash.
  router.use((error: BodyError, _req: Request, res: Response, _next: NextFunction) => {
    void _next;
    if (error instanceof StoreError && error.code === 'store-unavailable') return apiError(res, 503, 'store-unavailable', 'The session store is not answering; try again in a moment.');
    const { status, code, message } = bodyErrorReply(error);
    return apiError(res, status, code, message);
  });
  return router;
}

/** What body-parser (and raw-body under it) attach to the errors they raise. */
export interface BodyError extends Error {
  readonly type?: string;
  readonly status?: number;
  readonly encoding?: string;
  readonly charset?: string;
}

/**
 * The answer to an error raised while reading a request: each of body-parser's kinds has a code
 * a client can act on, any other client error keeps its 4xx status, and only the rest is a 500.
 */
export function bodyErrorReply(error: BodyError): { status: number; code: ApiErrorCode; message: string } {
  switch (error.type) {
    case 'entity.too.large':
      return { status: 413, code: 'payload-too-large', message: `A scenario upload is at most ${MAX_SCENARIO_BYTES / 1024} KiB.` };
    case 'entity.parse.failed':
      return { status: 400, code: 'bad-json', message: 'The request body is not valid JSON.' };
    case 'encoding.unsupported':
      return { status: 415, code: 'unsupported-encoding', message: `The server cannot read a body with Content-Encoding "${String(error.encoding ?? '').slice(0, 40)}"; send it uncompressed, or as gzip, deflate or br.` };
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported-charset', message: `The server reads JSON bodies in UTF-8 only, not "${String(error.charset ?? '').slice(0, 40)}".` };
    case 'request.aborted':
      return { status: 400, code: 'request-aborted', message: 'The request body ended before it was complete.' };
    case 'request.size.invalid':
      return { status: 400, code: 'bad-request-size', message: 'The request body is not as long as its Content-Length says.' };
  }
  const status = error.status ?? 500;
  // e.g. a gzip body that does not decompress: the client's fault, said plainly.
  if (status >= 400 && status < 500) return { status, code: 'bad-request', message: 'The request body could not be read.' };
  return { status: 500, code: 'internal', message: 'Something went wrong on the server.' };
}
