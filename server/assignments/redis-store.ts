import type { PlanAction } from '../../shared/engine/run.ts';
import type { CheckStage } from '../../shared/learning/types.ts';
import { RedisLink, type LinkErrors, type RedisClient, type RedisLinkOptions } from '../storage/redis-link.ts';
import type { StoreStatus } from '../storage/store.ts';
import { AssignmentStoreError, type ActionToKeep, type AppendLimits, type AssignmentStore, type AssignmentStoreErrorCode } from './store.ts';
import type { Assignment, Attempt, AttemptFinish, AttemptStart, KeptCheckAnswer } from './types.ts';

/*
 * Key layout. The braces are literal: a Redis Cluster hash tag, so one assignment's keys share a
 * slot and each script touches one slot. Every key expires at the assignment's expiresAtMs.
 *
 *   cc:asg:{ID}                 string  Assignment as JSON
 *   cc:asg:{ID}:attempts        hash    attemptId -> AttemptStart as JSON
 *   cc:asg:{ID}:nicks           hash    nickname key -> attemptId
 *   cc:asg:{ID}:at:ATTEMPT      hash    lastActiveMs, lastAtS, finish (AttemptFinish as JSON, once finished)
 *   cc:asg:{ID}:act:ATTEMPT     list    PlanAction JSON, in the order kept
 *   cc:asg:{ID}:ans:ATTEMPT     hash    `${stage}:${questionId}` -> KeptCheckAnswer as JSON (the first answer)
 *   cc:asg:replay:{REPLAYID}    string  "ID/ATTEMPT"
 */
export function assignmentKeys(prefix = 'cc:asg:') {
  return {
    meta: (id: string) => `${prefix}{${id}}`,
    attempts: (id: string) => `${prefix}{${id}}:attempts`,
    nicknames: (id: string) => `${prefix}{${id}}:nicks`,
    attempt: (id: string, attemptId: string) => `${prefix}{${id}}:at:${attemptId}`,
    actions: (id: string, attemptId: string) => `${prefix}{${id}}:act:${attemptId}`,
    answers: (id: string, attemptId: string) => `${prefix}{${id}}:ans:${attemptId}`,
    replay: (replayId: string) => `${prefix}replay:{${replayId}}`,
  };
}

// Each script checks and writes in one step, so concurrent processes never see half of it.
// Errors start with a word that `translate` turns into a store error code. JSON is stored as the
// text JS wrote: Lua's cjson would round numbers to 14 digits on the way back.

/** KEYS meta; ARGV json, expireAtMs. */
const CREATE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', ARGV[2]) == false then return redis.error_reply('EXISTS assignment exists') end
return 1`;

/** KEYS meta, attempts, nicknames, attempt; ARGV nickname key, attemptId, max, start JSON, startedAtMs, expireAtMs. */
const ADD_ATTEMPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOASSIGNMENT no such assignment') end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return redis.error_reply('NICKNAME that nickname is taken') end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[3]) then return redis.error_reply('FULL the assignment has ' .. ARGV[3] .. ' attempts') end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
redis.call('HSET', KEYS[4], 'lastActiveMs', ARGV[5], 'lastAtS', '0')
for i = 2, 4 do redis.call('PEXPIREAT', KEYS[i], ARGV[6]) end
return 1`;

/** KEYS attempt, actions; ARGV from, maxActions, nowMs, expireAtMs, then atS and JSON per action. */
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOATTEMPT no such attempt') end
if redis.call('HEXISTS', KEYS[1], 'finish') == 1 then return redis.error_reply('FINISHED the attempt is finished') end
local kept = redis.call('LLEN', KEYS[2])
local from = tonumber(ARGV[1])
if from > kept then return redis.error_reply('BADSEQ ' .. kept) end
local n = (#ARGV - 4) / 2
local skip = kept - from
if skip >= n then return kept end
if kept + n - skip > tonumber(ARGV[2]) then return redis.error_reply('TOOMANY at most ' .. ARGV[2] .. ' actions') end
local last = tonumber(redis.call('HGET', KEYS[1], 'lastAtS') or '0')
local lastText = nil
for i = skip + 1, n do
  local atS = tonumber(ARGV[3 + 2 * i])
  if atS < last then return redis.error_reply('ORDER an action at ' .. ARGV[3 + 2 * i] .. ' s comes after one at ' .. last .. ' s') end
  last = atS
  lastText = ARGV[3 + 2 * i]
end
for i = skip + 1, n do redis.call('RPUSH', KEYS[2], ARGV[4 + 2 * i]) end
redis.call('HSET', KEYS[1], 'lastAtS', lastText, 'lastActiveMs', ARGV[3])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
return kept + n - skip`;

/** KEYS attempt, actions, answers; ARGV stage, expireAtMs, nowMs, then field and JSON per answer. */
const ANSWERS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOATTEMPT no such attempt') end
local finished = redis.call('HEXISTS', KEYS[1], 'finish') == 1
if ARGV[1] == 'before' and (finished or redis.call('LLEN', KEYS[2]) > 0) then return redis.error_reply('STAGE the check before comes before the first action') end
if ARGV[1] == 'after' and not finished then return redis.error_reply('STAGE the check after comes once the attempt is finished') end
local kept = {}
for i = 4, #ARGV, 2 do
  redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1])
  kept[#kept + 1] = redis.call('HGET', KEYS[3], ARGV[i])
end
redis.call('PEXPIREAT', KEYS[3], ARGV[2])
local active = tonumber(redis.call('HGET', KEYS[1], 'lastActiveMs') or '0')
if tonumber(ARGV[3]) > active then redis.call('HSET', KEYS[1], 'lastActiveMs', ARGV[3]) end
return kept`;

/** KEYS attempt, actions; ARGV finish JSON, actions it covers, finishedAtMs. */
const FINISH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOATTEMPT no such attempt') end
local done = redis.call('HGET', KEYS[1], 'finish')
if done then return done end
if redis.call('LLEN', KEYS[2]) ~= tonumber(ARGV[2]) then return redis.error_reply('MOVED more actions were kept meanwhile') end
redis.call('HSET', KEYS[1], 'finish', ARGV[1], 'lastActiveMs', ARGV[3])
return ARGV[1]`;

const SCRIPT_ERRORS = {
  EXISTS: 'assignment-exists',
  NOASSIGNMENT: 'assignment-not-found',
  NOATTEMPT: 'attempt-not-found',
  NICKNAME: 'nickname-taken',
  FULL: 'assignment-full',
  BADSEQ: 'bad-seq',
  FINISHED: 'attempt-finished',
  TOOMANY: 'too-many-actions',
  ORDER: 'action-out-of-order',
  STAGE: 'wrong-stage',
  MOVED: 'attempt-moved',
} as const satisfies Record<string, AssignmentStoreErrorCode>;

const ERRORS: LinkErrors<AssignmentStoreError> = {
  type: AssignmentStoreError,
  refusal: (word, rest) => {
    if (!Object.hasOwn(SCRIPT_ERRORS, word)) return null;
    const code = SCRIPT_ERRORS[word as keyof typeof SCRIPT_ERRORS];
    // BADSEQ's text is the count of actions kept, so the client can resend from there.
    return new AssignmentStoreError(code, rest, word === 'BADSEQ' ? Number(rest) : undefined);
  },
  unavailable: (message, options) => new AssignmentStoreError('store-unavailable', message, undefined, options),
};

/** The connection's options (url, timeouts, onError, now); its timers are the system's, and it sends no probe. */
export interface RedisAssignmentStoreOptions extends Omit<RedisLinkOptions, 'clock' | 'probe'> {
  /** Put before every key (default `cc:asg:`); tests give each store a fresh one. */
  readonly prefix?: string;
}

type Keys = ReturnType<typeof assignmentKeys>;

/** Assignments in Redis (REDIS_URL): every process on it sees the same ones. */
export class RedisAssignmentStore implements AssignmentStore {
  private readonly client: RedisClient;

  private constructor(
    private readonly link: RedisLink<AssignmentStoreError>,
    private readonly keys: Keys,
  ) {
    this.client = link.client;
  }

  static async connect(options: RedisAssignmentStoreOptions): Promise<RedisAssignmentStore> {
    // No background probe and the system clock: nothing reads this store's status() on a schedule
    // (/health reads the room store's, on the same Redis), and its operations learn from their outcomes.
    const link = await RedisLink.connect(options, ERRORS);
    return new RedisAssignmentStore(link, assignmentKeys(options.prefix));
  }

  async createAssignment(assignment: Assignment): Promise<void> {
    await this.link.op('createAssignment', () => this.client.eval(CREATE, { keys: [this.keys.meta(assignment.id)], arguments: [JSON.stringify(assignment), String(assignment.expiresAtMs)] }));
  }

  async getAssignment(id: string): Promise<Assignment | null> {
    const json = await this.link.op('getAssignment', () => this.client.get(this.keys.meta(id)));
    return json === null ? null : (JSON.parse(json) as Assignment);
  }

  async addAttempt(id: string, attempt: AttemptStart, maxAttempts: number): Promise<void> {
    const k = this.keys;
    const assignment = await this.getAssignment(id);
    if (!assignment) throw new AssignmentStoreError('assignment-not-found', `no assignment ${id}`);
    const expireAt = String(assignment.expiresAtMs);
    await this.link.op('addAttempt', () =>
      this.client.eval(ADD_ATTEMPT, {
        keys: [k.meta(id), k.attempts(id), k.nicknames(id), k.attempt(id, attempt.attemptId)],
        arguments: [attempt.key, attempt.attemptId, String(maxAttempts), JSON.stringify(attempt), String(attempt.startedAtMs), expireAt],
      }),
    );
    // Another slot (a replay id is looked up without its assignment), so not in the script.
    await this.link.op('addAttempt', () => this.client.set(k.replay(attempt.replayId), `${id}/${attempt.attemptId}`, { expiration: { type: 'PXAT', value: assignment.expiresAtMs } }));
  }

  async getAttempt(id: string, attemptId: string): Promise<Attempt | null> {
    const start = await this.link.op('getAttempt', () => this.client.hGet(this.keys.attempts(id), attemptId));
    return start === null ? null : this.readAttempt(id, start);
  }

  async listAttempts(id: string): Promise<Attempt[]> {
    const starts = await this.link.op('listAttempts', () => this.client.hVals(this.keys.attempts(id)));
    const attempts = await Promise.all(starts.map((start) => this.readAttempt(id, start)));
    return attempts.sort((a, b) => a.startedAtMs - b.startedAtMs);
  }

  async appendActions(id: string, attemptId: string, from: number, actions: readonly ActionToKeep[], limits: AppendLimits): Promise<number> {
    const k = this.keys;
    const expireAt = await this.expiry(id);
    const args = [String(from), String(limits.maxActions), String(limits.nowMs), expireAt];
    for (const a of actions) args.push(String(a.atS), JSON.stringify(a.action));
    const kept = await this.link.op('appendActions', () => this.client.eval(APPEND, { keys: [k.attempt(id, attemptId), k.actions(id, attemptId)], arguments: args }));
    return Number(kept);
  }

  async readActions(id: string, attemptId: string): Promise<PlanAction[]> {
    const list = await this.link.op('readActions', () => this.client.lRange(this.keys.actions(id, attemptId), 0, -1));
    return list.map((json) => JSON.parse(json) as PlanAction);
  }

  async keepAnswers(id: string, attemptId: string, stage: CheckStage, answers: readonly KeptCheckAnswer[]): Promise<KeptCheckAnswer[]> {
    const k = this.keys;
    const expireAt = await this.expiry(id);
    const args = [stage, expireAt, String(Math.max(0, ...answers.map((a) => a.atMs)))];
    for (const a of answers) args.push(`${stage}:${a.result.questionId}`, JSON.stringify(a));
    const kept = (await this.link.op('keepAnswers', () => this.client.eval(ANSWERS, { keys: [k.attempt(id, attemptId), k.actions(id, attemptId), k.answers(id, attemptId)], arguments: args }))) as string[];
    return kept.map((json) => JSON.parse(json) as KeptCheckAnswer);
  }

  async finishAttempt(id: string, attemptId: string, finish: AttemptFinish): Promise<AttemptFinish> {
    const k = this.keys;
    const json = await this.link.op('finishAttempt', () =>
      this.client.eval(FINISH, { keys: [k.attempt(id, attemptId), k.actions(id, attemptId)], arguments: [JSON.stringify(finish), String(finish.actions), String(finish.finishedAtMs)] }),
    );
    return JSON.parse(String(json)) as AttemptFinish;
  }

  async findReplay(replayId: string): Promise<{ id: string; attemptId: string } | null> {
    const ref = await this.link.op('findReplay', () => this.client.get(this.keys.replay(replayId)));
    const slash = ref?.indexOf('/') ?? -1;
    if (!ref || slash < 0) return null;
    return { id: ref.slice(0, slash), attemptId: ref.slice(slash + 1) };
  }

  async deleteAssignment(id: string): Promise<void> {
    const k = this.keys;
    // The meta first: with it gone, no script adds another attempt, so the list below is whole.
    await this.link.op('deleteAssignment', () => this.client.del(k.meta(id)));
    const starts = await this.link.op('deleteAssignment', () => this.client.hVals(k.attempts(id)));
    const attempts = starts.map((json) => JSON.parse(json) as AttemptStart);
    const slotKeys = [k.attempts(id), k.nicknames(id), ...attempts.flatMap((a) => [k.attempt(id, a.attemptId), k.actions(id, a.attemptId), k.answers(id, a.attemptId)])];
    await this.link.op('deleteAssignment', () => this.client.del(slotKeys));
    await Promise.all(attempts.map((a) => this.link.op('deleteAssignment', () => this.client.del(k.replay(a.replayId)))));
  }

  status(): StoreStatus {
    return this.link.status();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  private async readAttempt(id: string, startJson: string): Promise<Attempt> {
    const start = JSON.parse(startJson) as AttemptStart;
    const k = this.keys;
    const [fields, actions, answers] = await this.link.op('readAttempt', () =>
      Promise.all([this.client.hGetAll(k.attempt(id, start.attemptId)), this.client.lLen(k.actions(id, start.attemptId)), this.client.hVals(k.answers(id, start.attemptId))]),
    );
    const f = fields as Record<string, string>;
    return {
      ...start,
      lastActiveMs: Number(f.lastActiveMs ?? start.startedAtMs),
      actions,
      lastAtS: Number(f.lastAtS ?? 0),
      finish: f.finish ? (JSON.parse(f.finish) as AttemptFinish) : null,
      answers: answers.map((json) => JSON.parse(json) as KeptCheckAnswer),
    };
  }

  /** When an assignment's keys expire, for keys made after it; `assignment-not-found` when it is gone. */
  private async expiry(id: string): Promise<string> {
    const assignment = await this.getAssignment(id);
    if (!assignment) throw new AssignmentStoreError('assignment-not-found', `no assignment ${id}`);
    return String(assignment.expiresAtMs);
  }
}
