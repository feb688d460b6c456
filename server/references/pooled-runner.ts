import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { ReferenceTask } from './reference-worker.ts';
import type { ReferenceOutcome, ReferenceRunner } from './runner.ts';
import { closedOutcome, invalidRequest } from './runner.ts';
import type { ReferenceScore } from './scores.ts';
import { RecentMap } from './recent.ts';

export interface PooledReferenceRunnerOptions {
  /** Threads computing at once. Default: one fewer than the cores, at least 1, at most 2. */
  readonly threads?: number;
  /**
   * Requests that may wait for a thread; beyond that a request is answered `busy`. Default 128: a
   * waiting request costs only a reference to its room's scenario, and a restart may restore many
   * rooms in their debrief at once (each with its own seed, so each its own computation).
   */
  readonly maxQueue?: number;
  /** How long one request may compute once a thread has taken it up; then the thread is stopped. Default 20 s. */
  readonly budgetMs?: number;
  /** Outcomes kept for requests that come again (a restored room, a second room on the same scenario). Default 64. */
  readonly cacheSize?: number;
  /** A thread's heap limit: a runaway scenario fails its request instead of taking the process down. Default 256 MiB (the heaviest upload needs under 16 MiB). */
  readonly maxHeapMiB?: number;
  /** An idle thread exits after this long (it never holds the process open meanwhile). Default 30 s. */
  readonly idleMs?: number;
  /** A pool error that belongs to no request (none is lost by it); pass the server's logger. */
  readonly onError?: (error: Error) => void;
}

export interface ReferenceRunnerStats {
  /** Computations handed to a thread since the runner was made (shared and cached requests not counted). */
  readonly computed: number;
  /** Requests a thread is computing now. */
  readonly running: number;
  /** Requests waiting for a thread, or for their thread to start. */
  readonly waiting: number;
  /** Outcomes kept for requests that come again. */
  readonly cached: number;
}

export const defaultReferenceThreads = (): number => Math.max(1, Math.min(2, availableParallelism() - 1));

/**
 * A thread's start-up (tsx compiling the engine, about 0.3 s here) does not count against the
 * budget, but a thread that never takes its task up is given up on after this much more.
 */
const THREAD_START_ALLOWANCE_MS = 10_000;

interface Job {
  readonly key: string;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly untilS: number;
  readonly resolve: (outcome: ReferenceOutcome) => void;
}

/**
 * Reference scores computed on a small pool of worker threads, so the main thread (every room on
 * the process) never waits for them. Identical requests (the same scenario, seed and length: a room
 * reloaded or asking again, rooms sharing a seed) share one computation, and recent outcomes are kept.
 */
export class PooledReferenceRunner implements ReferenceRunner {
  private readonly pool: Piscina<ReferenceTask, ReferenceScore[]>;
  private readonly threads: number;
  private readonly maxQueue: number;
  private readonly budgetMs: number;
  private readonly recent: RecentMap<string, ReferenceOutcome>;
  /** Requests computing or waiting, by key: a second identical request joins the first. */
  private readonly pending = new Map<string, Promise<ReferenceOutcome>>();
  private readonly waiting: Job[] = [];
  /** Jobs handed to the pool: never more than there are threads, so none waits inside it for long. */
  private dispatched = 0;
  private computing = 0;
  private computed = 0;
  private closing: Promise<void> | null = null;

  constructor(options: PooledReferenceRunnerOptions = {}) {
    this.threads = options.threads ?? defaultReferenceThreads();
    this.maxQueue = options.maxQueue ?? 128;
    this.budgetMs = options.budgetMs ?? 20_000;
    this.recent = new RecentMap(options.cacheSize ?? 64);
    this.pool = new Piscina({
      filename: new URL('./reference-worker.mjs', import.meta.url).href,
      // Threads start on demand and leave when idle: no memory held between debriefs.
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: options.idleMs ?? 30_000,
      // The bootstrap registers tsx itself; inheriting tsx's own flags from `tsx server/main.ts`
      // would load it twice and slow every thread's start (about 0.37 s against 0.31 s here).
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMiB ?? 256 },
    });
    const onError = options.onError ?? (() => {});
    // Without a listener, an 'error' event on the pool would be thrown and crash the process.
    this.pool.on('error', (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
  }

  run(scenario: Scenario, seed: number, untilS: number): Promise<ReferenceOutcome> {
    if (this.closing) return Promise.resolve(closedOutcome());
    const invalid = invalidRequest(seed, untilS);
    if (invalid) return Promise.resolve(failed(invalid));
    let key: string;
    try {
      key = requestKey(scenario, seed, untilS);
    } catch (error) {
      return Promise.resolve(failed(messageOf(error)));
    }
    const known = this.recent.get(key) ?? this.pending.get(key);
    if (known) return Promise.resolve(known);
    if (this.dispatched >= this.threads && this.waiting.length >= this.maxQueue) {
      return Promise.resolve({ ok: false, reason: 'busy', message: `${this.waiting.length} reference requests are already waiting for a thread` });
    }
    const outcome = new Promise<ReferenceOutcome>((resolve) => this.waiting.push({ key, scenario, seed, untilS, resolve }));
    this.pending.set(key, outcome);
    this.startWaiting();
    return outcome;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const job of this.waiting.splice(0)) this.settle(job, closedOutcome());
      // destroy(), not close(): close() would let running computations finish, up to 20 s each.
      // The running ones are rejected by it, and answered `closed` in start().
      await this.pool.destroy();
      this.recent.clear();
    })();
    return this.closing;
  }

  stats(): ReferenceRunnerStats {
    return { computed: this.computed, running: this.computing, waiting: this.waiting.length + this.dispatched - this.computing, cached: this.recent.size };
  }

  private startWaiting(): void {
    while (!this.closing && this.dispatched < this.threads && this.waiting.length > 0) this.start(this.waiting.shift()!);
  }

  private start(job: Job): void {
    this.dispatched++;
    this.computed++;
    const abort = new AbortController();
    // Timers here are real time on purpose: the budget is about a real thread, which no fake clock drives.
    let takenUp = false;
    let deadline = setTimeout(() => abort.abort(), this.budgetMs + THREAD_START_ALLOWANCE_MS);
    const { port1: started, port2 } = new MessageChannel();
    started.once('message', () => {
      takenUp = true;
      this.computing++;
      clearTimeout(deadline);
      deadline = setTimeout(() => abort.abort(), this.budgetMs);
      started.close();
    });
    const done = (outcome: ReferenceOutcome) => {
      clearTimeout(deadline);
      started.close();
      if (takenUp) this.computing--;
      // A computation that overran its budget once will again: keep that outcome too, so a storm
      // of restored rooms does not spend a thread's whole budget on it each time.
      const repeatable = outcome.ok || (outcome.reason === 'timeout' && takenUp);
      this.finish(job, outcome, repeatable);
    };
    const task: ReferenceTask = { scenario: job.scenario, seed: job.seed, untilS: job.untilS, started: port2 };
    let result: Promise<ReferenceScore[]>;
    try {
      result = this.pool.run(task, { signal: abort.signal, transferList: [port2] });
    } catch (error) {
      result = Promise.reject(error);
    }
    // On abort, piscina rejects with an AbortError and terminates the thread; the next task gets a new one.
    result.then(
      // Frozen: one outcome goes to every room that asked, and is kept for those that ask later.
      (references) => done(Object.freeze({ ok: true, references: Object.freeze(references.map((r) => Object.freeze(r))) })),
      (error: unknown) => done(this.closing ? closedOutcome() : abort.signal.aborted ? this.overrun(takenUp) : failed(messageOf(error))),
    );
  }

  private finish(job: Job, outcome: ReferenceOutcome, keep: boolean): void {
    this.dispatched--;
    if (keep) this.recent.set(job.key, outcome);
    this.settle(job, outcome);
    this.startWaiting();
  }

  private settle(job: Job, outcome: ReferenceOutcome): void {
    this.pending.delete(job.key);
    job.resolve(outcome);
  }

  private overrun(takenUp: boolean): ReferenceOutcome {
    const message = takenUp
      ? `the reference policies took longer than ${this.budgetMs} ms; the computation was stopped`
      : `no thread took the reference request up within ${THREAD_START_ALLOWANCE_MS} ms`;
    return { ok: false, reason: 'timeout', message };
  }
}

/** Identifies a computation: the same scenario (as JSON), seed and played length give the same scores. */
export function requestKey(scenario: Scenario, seed: number, untilS: number): string {
  return createHash('sha256')
    .update(JSON.stringify([seed, Math.min(untilS, scenario.durationS), scenario]))
    .digest('base64url');
}

const failed = (message: string): ReferenceOutcome => ({ ok: false, reason: 'failed', message });
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
