import { Router, json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { planActionSchema } from '../../shared/scenario/plan.ts';
import { CHECK_STAGES } from '../../shared/learning/types.ts';
import { classReportCsv } from '../reports/class-report.ts';
import { memoryLimiters, takePoint, type LimiterFactory } from '../common/limits.ts';
import { sameSecret } from '../common/secrets.ts';
import { AssignmentError, ASSIGNMENT_ERROR_CODES, ASSIGNMENT_ERRORS, type AssignmentErrorCode } from '../assignments/errors.ts';
import { ASSIGNMENT_LIMITS, AssignmentService } from '../assignments/service.ts';
import { AssignmentStoreError, type AssignmentStore } from '../assignments/store.ts';
import type { AttemptSimulator } from '../assignments/simulator.ts';
import { API_LIMITS, MAX_SCENARIO_BYTES, bodyErrorReply, type BodyError } from './api.ts';
import { clientAddressResolver, type TrustProxy } from './client-address.ts';

export { ASSIGNMENT_ERROR_CODES };

export interface AssignmentsApiOptions {
  readonly store: AssignmentStore;
  readonly simulator: AttemptSimulator;
  readonly limiters?: LimiterFactory;
  readonly teacherPasscode?: string;
  readonly trustProxy?: TrustProxy;
  readonly now?: () => number;
  /** Days everything is kept after the deadline (REPLAY_TTL_DAYS). */
  readonly replayTtlDays?: number;
  /** Attempts per assignment (MAX_PLAYERS); 2,000 unless set. */
  readonly maxAttempts?: number;
  /** Assignments one address may create per 10 minutes (ROOMS_PER_ADDRESS, shared with rooms' figure). */
  readonly createsPerAddress?: number;
}

export const ASSIGNMENT_API_LIMITS = {
  /** New attempts per address per minute: a whole class behind one school NAT starts at once. */
  attemptsPerMinute: 60,
  /** Reads per address per minute (a class loading the page, the teacher's progress every few seconds). */
  lookupsPerMinute: 300,
  /** Writes per attempt per minute: a browser sends its actions as they happen, in batches. */
  writesPerAttemptPerMinute: 300,
} as const;

const ID = /^[A-Za-z0-9]{10}$/;
const ATTEMPT_ID = /^[A-Za-z0-9]{12}$/;
const noControl = (s: string) => !/\p{C}/u.test(s);

const createSchema = z.strictObject({
  scenarioId: z.string().max(80).optional(),
  scenario: z.unknown().optional(),
  deadlineMs: z.number().finite(),
  checks: z.boolean(),
  title: z.string().max(ASSIGNMENT_LIMITS.titleMax, { error: `must be at most ${ASSIGNMENT_LIMITS.titleMax} characters` }).refine(noControl, { error: 'must not contain control characters' }).optional(),
  passcode: z.string().max(200).optional(),
});
const attemptSchema = z.strictObject({ nickname: z.string().max(200) });
const actionsSchema = z.strictObject({
  from: z.number().int().min(0).max(ASSIGNMENT_LIMITS.actions),
  actions: z.array(planActionSchema).min(1).max(ASSIGNMENT_LIMITS.batch),
});
const answersSchema = z.strictObject({
  stage: z.enum(CHECK_STAGES),
  answers: z.array(z.strictObject({ questionId: z.string().min(1).max(64), choice: z.number().int().min(0).max(9) })).min(1).max(10),
});
const finishSchema = z.strictObject({ claimed: z.unknown().optional() });

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new AssignmentError('bad-request', 'The request is not valid.', { details: result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) });
  return result.data;
}

const bearer = (req: Request): string => /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';

function sendError(res: Response, code: AssignmentErrorCode, message: string, extra: { kept?: number; details?: readonly string[] } = {}) {
  res.status(ASSIGNMENT_ERRORS[code]).json({ error: { code, message, ...extra } });
}

/** The self-paced assignments API, mounted at /api/assignments (docs/PROTOCOL.md, REST). */
export function assignmentsRouter(options: AssignmentsApiOptions): Router {
  const service = new AssignmentService(options);
  const limiters = options.limiters ?? memoryLimiters;
  const creates = limiters('assignment-creates', options.createsPerAddress ?? API_LIMITS.createsPerAddress, API_LIMITS.createWindowS);
  const attempts = limiters('assignment-attempts', ASSIGNMENT_API_LIMITS.attemptsPerMinute, 60);
  const lookups = limiters('assignment-lookups', ASSIGNMENT_API_LIMITS.lookupsPerMinute, 60);
  const writes = limiters('assignment-writes', ASSIGNMENT_API_LIMITS.writesPerAttemptPerMinute, 60);
  const address = clientAddressResolver(options.trustProxy ?? null);
  const limit = async (limiter: ReturnType<LimiterFactory>, key: string, res: Response, message: string): Promise<void> => {
    const ms = await takePoint(limiter, key);
    if (ms === null) return;
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
    throw new AssignmentError('rate-limited', message);
  };
  const lookup = (req: Request, res: Response) => limit(lookups, address(req), res, 'Too many requests from this network; wait a minute.');
  /** The assignment id of the path, refused as unknown when it cannot be one. */
  const idOf = (req: Request): string => {
    const id = String(req.params.id ?? '');
    if (!ID.test(id)) throw new AssignmentError('assignment-not-found', 'There is no assignment with that link, or it has expired.');
    return id;
  };
  /** The attempt of the path and the caller's token: a malformed id is as wrong as a wrong token. */
  const attemptOf = async (req: Request, res: Response): Promise<{ id: string; attemptId: string; token: string }> => {
    const id = idOf(req);
    const attemptId = String(req.params.attemptId ?? '');
    if (!ATTEMPT_ID.test(attemptId)) {
      await service.view(id);
      throw new AssignmentError('forbidden', 'This attempt is not yours, or its key is wrong.');
    }
    await limit(writes, `${id}/${attemptId}`, res, 'Too many requests for this attempt; wait a minute.');
    return { id, attemptId, token: bearer(req) };
  };

  const router = Router();
  // Tokens travel only in the Authorization header: a URL ends up in logs and browser history.
  router.use((req, _res, next) => {
    if (req.query.token !== undefined) throw new AssignmentError('token-in-url', 'Send the token in the Authorization header (Bearer), not in the URL: a URL ends up in logs and browser history.');
    next();
  });

  router.post('/', json({ limit: MAX_SCENARIO_BYTES }), async (req, res) => {
    await limit(creates, address(req), res, 'Too many assignments created from this network; wait a few minutes.');
    const body = parsed(createSchema, req.body);
    if (options.teacherPasscode && !sameSecret(body.passcode ?? '', options.teacherPasscode)) {
      const code: AssignmentErrorCode = 'passcode-required';
      return body.passcode
        ? res.status(403).json({ error: { code, message: 'That teacher passcode is not right.' } })
        : sendError(res, code, 'This server needs the teacher passcode to create an assignment.');
    }
    let scenario;
    if (body.scenario !== undefined) {
      const result = parseScenario(body.scenario);
      if (!result.ok) throw new AssignmentError('bad-scenario', `The scenario file has ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}.`, { details: result.errors });
      scenario = result.value;
    } else if (body.scenarioId) {
      scenario = getScenario(body.scenarioId);
      if (!scenario) throw new AssignmentError('unknown-scenario', `There is no built-in scenario "${body.scenarioId}".`);
    } else {
      throw new AssignmentError('bad-request', 'Give a scenarioId or upload a scenario.');
    }
    const created = await service.create({ scenario, deadlineMs: body.deadlineMs, checks: body.checks, title: body.title });
    res.status(201).json(created);
  });

  router.get('/:id', async (req, res) => {
    await lookup(req, res);
    const view = await service.view(idOf(req));
    res.setHeader('Cache-Control', 'no-store');
    res.json(view);
  });

  router.post('/:id/attempts', json({ limit: '2kb' }), async (req, res) => {
    await limit(attempts, address(req), res, 'Too many students started from this network in the last minute; wait a moment.');
    const { nickname } = parsed(attemptSchema, req.body);
    res.status(201).json(await service.startAttempt(idOf(req), nickname));
  });

  router.get('/:id/attempts/:attemptId', async (req, res) => {
    const { id, attemptId, token } = await attemptOf(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await service.attemptView(id, attemptId, token));
  });

  router.post('/:id/attempts/:attemptId/actions', json({ limit: '256kb' }), async (req, res) => {
    const { id, attemptId, token } = await attemptOf(req, res);
    const body = parsed(actionsSchema, req.body);
    res.json(await service.appendActions(id, attemptId, token, body.from, body.actions));
  });

  router.post('/:id/attempts/:attemptId/answers', json({ limit: '8kb' }), async (req, res) => {
    const { id, attemptId, token } = await attemptOf(req, res);
    const body = parsed(answersSchema, req.body);
    res.json(await service.answer(id, attemptId, token, body.stage, body.answers));
  });

  router.post('/:id/attempts/:attemptId/finish', json({ limit: '8kb' }), async (req, res) => {
    const { id, attemptId, token } = await attemptOf(req, res);
    const body = parsed(finishSchema, req.body);
    res.json(await service.finish(id, attemptId, token, body.claimed));
  });

  router.get('/:id/progress', async (req, res) => {
    await lookup(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await service.progress(idOf(req), bearer(req)));
  });

  router.get('/:id/report.:format', async (req, res) => {
    const format = String(req.params.format);
    if (format !== 'json' && format !== 'csv') throw new AssignmentError('not-found', 'Reports come as report.json or report.csv.');
    await lookup(req, res);
    const id = idOf(req);
    const report = await service.report(id, bearer(req));
    res.setHeader('Content-Disposition', `attachment; filename="clusterclass-assignment-${id}-${report.room.scenario.id}-report.${format}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'json') res.json(report);
    else res.type('text/csv; charset=utf-8').send(classReportCsv(report));
  });

  router.delete('/:id', async (req, res) => {
    await lookup(req, res);
    await service.delete(idOf(req), bearer(req));
    res.status(204).end();
  });

  router.use(() => {
    throw new AssignmentError('not-found', 'No such assignment endpoint.');
  });
  // Refusals, bodies the parser refuses and surprises: answered, never a crash.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    void _next;
    if (error instanceof AssignmentError) return sendError(res, error.code, error.message, error.extra);
    if (error instanceof AssignmentStoreError && error.code === 'store-unavailable') return sendError(res, 'store-unavailable', 'The assignment store is not answering; try again in a moment.');
    const { status, code, message } = bodyErrorReply(error as BodyError);
    const known = (ASSIGNMENT_ERROR_CODES as readonly string[]).includes(code) ? (code as AssignmentErrorCode) : status >= 500 ? 'internal' : 'bad-request';
    res.status(status).json({ error: { code: known, message } });
  });
  return router;
}
