import { timingSafeEqual } from 'node:crypto';
import { Router, json } from 'express';
import type { Request, Response, NextFunction } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { RoomStore } from '../storage/store.ts';
import { buildClassReport, classReportCsv } from '../reports/class-report.ts';
import { publicReplay, publicSnapshot } from '../replays/public-replay.ts';
import { RoomLimitError } from '../rooms/registry.ts';
import { clientAddressResolver, type TrustProxy } from './client-address.ts';

export interface ApiOptions {
  readonly registry: RoomRegistry;
  readonly store: RoomStore;
  /** When set, creating a room requires it (TEACHER_PASSCODE). */
  readonly teacherPasscode?: string;
  readonly trustProxy?: TrustProxy;
}

/** An uploaded scenario is bounded: a real one is a few kilobytes. */
export const MAX_SCENARIO_BYTES = 256 * 1024;

const createRoomSchema = z.strictObject({
  scenarioId: z.string().max(80).optional(),
  scenario: z.unknown().optional(),
  mode: z.enum(['solo', 'teams']).default('solo'),
  passcode: z.string().max(200).optional(),
});

const apiError = (res: Response, status: number, code: string, message: string, details?: string[]) =>
  res.status(status).json({ error: details ? { code, message, details } : { code, message } });

export function apiRouter({ registry, store, teacherPasscode, trustProxy }: ApiOptions): Router {
  const router = Router();
  const creates = new RateLimiterMemory({ points: 30, duration: 600 });
  const lookups = new RateLimiterMemory({ points: 60, duration: 60 });
  const address = clientAddressResolver(trustProxy ?? null);

  router.get('/config', (_req, res) => {
    res.json({ protocol: PROTOCOL_VERSION, teacherPasscodeRequired: Boolean(teacherPasscode) });
  });

  router.get('/scenarios', (_req, res) => {
    res.json(SCENARIOS.map((s) => ({ id: s.id, title: s.title, summary: s.summary, durationS: s.durationS, hosts: s.hosts.length, apps: s.apps.length })));
  });

  router.post('/rooms', json({ limit: MAX_SCENARIO_BYTES }), async (req, res) => {
    const allowed = await creates.consume(address(req)).then(
      () => true,
      () => false,
    );
    if (!allowed) return apiError(res, 429, 'rate-limited', 'Too many sessions created from this network; wait a few minutes.');
    const body = createRoomSchema.safeParse(req.body ?? {});
    if (!body.success) return apiError(res, 400, 'bad-request', 'The request is not valid.', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`));
    const { scenarioId, scenario: uploaded, mode, passcode } = body.data;
    if (teacherPasscode && !samePasscode(passcode ?? '', teacherPasscode)) {
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
    try {
      const { code, hostToken } = await registry.create(scenario, mode);
      res.status(201).json({ code, hostToken });
    } catch (error) {
      if (error instanceof RoomLimitError) return apiError(res, 503, error.code, error.message);
      throw error;
    }
  });

  router.get('/rooms/:code', async (req, res) => {
    const allowed = await lookups.consume(address(req)).then(
      () => true,
      () => false,
    );
    if (!allowed) return apiError(res, 429, 'rate-limited', 'Too many lookups; wait a minute.');
    const room = registry.get(String(req.params.code ?? ''));
    if (!room) return apiError(res, 404, 'room-not-found', 'There is no session with that code.');
    res.json(room.lobbyInfo());
  });

  // The teacher's report, as JSON or CSV, at any time. The host token comes as a bearer token
  // or, for a plain download link, as ?token=.
  router.get('/rooms/:code/report.:format', async (req, res) => {
    const format = String(req.params.format);
    if (format !== 'json' && format !== 'csv') return apiError(res, 404, 'not-found', 'Reports come as report.json or report.csv.');
    const allowed = await lookups.consume(address(req)).then(
      () => true,
      () => false,
    );
    if (!allowed) return apiError(res, 429, 'rate-limited', 'Too many requests; wait a minute.');
    const room = registry.get(String(req.params.code ?? ''));
    const token = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || String(req.query.token ?? '');
    if (!room) return apiError(res, 404, 'room-not-found', 'There is no session with that code.');
    if (!token || !room.isHostToken(token)) return apiError(res, 403, 'forbidden', 'Only the teacher of this session can download its report.');
    const meta = await store.getRoom(room.code);
    if (!meta) return apiError(res, 404, 'room-not-found', 'This session is no longer kept.');
    const report = buildClassReport(meta, await store.readLog(room.code));
    const name = `clusterclass-${room.code}-${meta.scenario.id}-report.${format}`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'json') res.json(report);
    else res.type('text/csv; charset=utf-8').send(classReportCsv(report));
  });

  // A finished session as a replay, for anyone with its link: the log and where it can seek.
  router.get('/replays/:id', async (req, res) => {
    const allowed = await lookups.consume(address(req)).then(
      () => true,
      () => false,
    );
    if (!allowed) return apiError(res, 429, 'rate-limited', 'Too many requests; wait a minute.');
    const replay = await store.getReplay(String(req.params.id));
    if (!replay) return apiError(res, 404, 'replay-not-found', 'There is no replay with that link, or it has expired.');
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.json(publicReplay(replay));
  });

  router.get('/replays/:id/snapshots/:seq', async (req, res) => {
    const replay = await store.getReplay(String(req.params.id));
    const snapshot = replay?.snapshots.find((s) => s.seq === Number(req.params.seq));
    if (!snapshot) return apiError(res, 404, 'snapshot-not-found', 'There is no such snapshot in that replay.');
    res.json(publicSnapshot(snapshot));
  });

  router.use((_req, res) => apiError(res, 404, 'not-found', 'No such API endpoint.'));
  // Malformed or oversized JSON bodies land here, as do surprises: answer, never crash.
  router.use((error: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    void _next;
    if (error.type === 'entity.too.large') return apiError(res, 413, 'payload-too-large', `A scenario upload is at most ${MAX_SCENARIO_BYTES / 1024} KiB.`);
    if (error.type === 'entity.parse.failed') return apiError(res, 400, 'bad-json', 'The request body is not valid JSON.');
    return apiError(res, 500, 'internal', 'Something went wrong on the server.');
  });
  return router;
}

function samePasscode(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
