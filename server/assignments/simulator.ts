import { Piscina } from 'piscina';
import { runTask, type SimulationResults, type SimulationTask, type TaskOf } from './tasks.ts';

export const SIMULATION_FAILURES = ['simulation-busy', 'simulation-timeout', 'simulation-failed', 'simulation-closed'] as const;
export type SimulationFailure = (typeof SIMULATION_FAILURES)[number];

export class SimulationError extends Error {
  override readonly name = 'SimulationError';

  constructor(
    readonly code: SimulationFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Where attempts are re-simulated. The longest built-in scenario with 10,000 actions takes about
 * a tenth of a second, an uploaded one more: on the main thread that would stall every live room.
 */
export interface AttemptSimulator {
  /** Rejects with a SimulationError when it cannot run the task. */
  run<K extends SimulationTask['kind']>(task: TaskOf<K>): Promise<SimulationResults[K]>;
  close(): Promise<void>;
}

/** On the calling thread: for tests and tools, where nothing else waits. */
export class InlineSimulator implements AttemptSimulator {
  async run<K extends SimulationTask['kind']>(task: TaskOf<K>): Promise<SimulationResults[K]> {
    try {
      return runTask(task) as SimulationResults[K];
    } catch (error) {
      throw new SimulationError('simulation-failed', messageOf(error), { cause: error });
    }
  }

  async close(): Promise<void> {}
}

export interface PooledSimulatorOptions {
  /** Threads at once (default 1: the reference policies have their own pool on these cores). */
  readonly threads?: number;
  /** Tasks that may wait for a thread; beyond that a task is refused `simulation-busy` (default 64). */
  readonly maxQueue?: number;
  /** How long one task may take, its thread's start included; then the thread is stopped (default 20 s). */
  readonly budgetMs?: number;
  readonly maxHeapMiB?: number;
  readonly idleMs?: number;
  readonly onError?: (error: Error) => void;
}

/** On a small pool of worker threads (the pattern of server/references/pooled-runner.ts). */
export class PooledSimulator implements AttemptSimulator {
  private readonly pool: Piscina<SimulationTask, unknown>;
  private readonly budgetMs: number;
  /** Tasks running or waiting: counted here, since piscina's own queue limit also counts threads still starting. */
  private readonly capacity: number;
  private inFlight = 0;
  private closing: Promise<void> | null = null;

  constructor(options: PooledSimulatorOptions = {}) {
    this.budgetMs = options.budgetMs ?? 20_000;
    const threads = options.threads ?? 1;
    this.capacity = threads + (options.maxQueue ?? 64);
    this.pool = new Piscina({
      filename: new URL('./simulate-worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: options.idleMs ?? 30_000,
      // The bootstrap registers tsx itself (see server/references/pooled-runner.ts).
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMiB ?? 256 },
    });
    const onError = options.onError ?? (() => {});
    this.pool.on('error', (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
  }

  async run<K extends SimulationTask['kind']>(task: TaskOf<K>): Promise<SimulationResults[K]> {
    if (this.closing) throw new SimulationError('simulation-closed', 'the simulator is closed');
    if (this.inFlight >= this.capacity) throw new SimulationError('simulation-busy', `${this.inFlight} re-simulations are already running or waiting`);
    this.inFlight++;
    // Real time on purpose: the budget is about a real thread, which no fake clock drives.
    const signal = AbortSignal.timeout(this.budgetMs);
    try {
      return (await this.pool.run(task, { signal })) as SimulationResults[K];
    } catch (error) {
      if (this.closing) throw new SimulationError('simulation-closed', 'the simulator is closed', { cause: error });
      if (signal.aborted) throw new SimulationError('simulation-timeout', `the re-simulation took longer than ${this.budgetMs} ms and was stopped`, { cause: error });
      throw new SimulationError('simulation-failed', messageOf(error), { cause: error });
    } finally {
      this.inFlight--;
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.destroy();
    return this.closing;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
