import { createClient, ErrorReply } from 'redis';
import { systemClock, type Clock, type TimerHandle } from '../rooms/clock.ts';
import type { StoreStatus } from './store.ts';

/** A store's error: `store-unavailable` is its code for "Redis did not answer", whatever its others. */
type CodedError = Error & { readonly code: string };

/** How one store names what goes wrong, so the link throws only that store's errors. */
export interface LinkErrors<E extends CodedError> {
  /** The store's error class: one of its own, thrown inside an operation, passes through as it is. */
  readonly type: abstract new (...args: never) => E;
  /** A script's refusal, from the word its error reply starts with; null for a word the store does not use. */
  refusal(word: string, rest: string): E | null;
  /** Redis is gone, hung or the store closed. */
  unavailable(message: string, options?: { cause: unknown }): E;
}

export interface RedisLinkOptions {
  /** e.g. redis://127.0.0.1:6379 */
  readonly url: string;
  /** connect() gives up after this long rather than retrying forever (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Any operation rejects with `store-unavailable` after this long, so a hung Redis never stalls a caller (default 5 s). */
  readonly operationTimeoutMs?: number;
  /** Connection errors, including each failed reconnect; without a listener they would crash the process. */
  readonly onError?: (error: Error) => void;
  /** The time status() reports as checkedAtMs (default Date.now). */
  readonly now?: () => number;
  /** The probe's and the operations' deadline timers (tests may pass a fake one). */
  readonly clock?: Clock;
  /** A background PING this often, against its own deadline, so status() notices a hung server. None when unset. */
  readonly probe?: { readonly intervalMs: number; readonly timeoutMs: number };
}

function newClient(url: string, connectTimeoutMs: number) {
  return createClient({
    url,
    // Rejected at once while disconnected, instead of piling up until Redis returns: the caller
    // decides what to do meanwhile (rooms buffer their writes, a student's browser retries).
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // 50 ms doubling to 2 s, with jitter so many servers do not reconnect in step.
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 100),
    },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

/**
 * One store's connection to Redis and what it knows of its health. It fails fast: while Redis is
 * unreachable every operation rejects at once with `store-unavailable` (no offline queue) and the
 * client keeps reconnecting with backoff in the background. The store keeps its keys and scripts.
 */
export class RedisLink<E extends CodedError> {
  private closed = false;
  // What status() says, kept as plain fields: every operation updates them, and only /health reads them.
  private reachable = true;
  private checkedAtMs: number;
  private detail: string | undefined;
  private probing = false;
  private readonly probeTimer: TimerHandle | undefined;
  private readonly operationTimeoutMs: number;
  private readonly now: () => number;
  private readonly clock: Clock;

  private constructor(
    readonly client: RedisClient,
    private readonly errors: LinkErrors<E>,
    options: RedisLinkOptions,
  ) {
    this.operationTimeoutMs = options.operationTimeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.clock = options.clock ?? systemClock;
    this.checkedAtMs = this.now();
    // The connection's own events say at once when it drops and when it is back.
    client.on('ready', () => this.learn(true));
    client.on('end', () => this.learn(false, 'the connection to Redis is closed'));
    client.on('reconnecting', () => this.learn(false, 'reconnecting to Redis'));
    client.on('error', (error: Error) => this.learn(false, error.message));
    const probe = options.probe;
    if (probe) {
      // A hung Redis keeps its connection open and sends no event: only an unanswered PING tells.
      this.probeTimer = this.clock.setInterval(() => void this.probe(probe.timeoutMs), probe.intervalMs);
      unref(this.probeTimer);
    }
  }

  static async connect<E extends CodedError>(options: RedisLinkOptions, errors: LinkErrors<E>): Promise<RedisLink<E>> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    const client = newClient(options.url, connectTimeoutMs);
    client.on('error', (error: Error) => options.onError?.(error));
    const connecting = client.connect();
    // destroy() below makes a pending connect() reject later: that is expected, not unhandled.
    connecting.catch(() => {});
    try {
      await deadline(connecting, connectTimeoutMs, `connecting to Redis at ${where(options.url)}`, options.clock ?? systemClock, errors);
    } catch (error) {
      client.destroy();
      throw error instanceof errors.type ? error : errors.unavailable(`cannot reach Redis at ${where(options.url)}`, { cause: error });
    }
    return new RedisLink(client, errors, options);
  }

  /** Runs one operation against the deadline, turning Redis's failures into the store's errors. */
  async op<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.closed) throw this.errors.unavailable(`${what}: the store is closed`);
    try {
      const result = await deadline(run(), this.operationTimeoutMs, what, this.clock, this.errors);
      this.learn(true);
      return result;
    } catch (error) {
      const refused = this.translate(what, error);
      // A refusal (bad-seq, no-room…) is Redis answering; only an outage makes it unreachable.
      this.learn(refused.code !== 'store-unavailable', refused.message);
      throw refused;
    }
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      return (await this.op('ping', () => this.client.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  status(): StoreStatus {
    return this.reachable ? { reachable: true, checkedAtMs: this.checkedAtMs } : { reachable: false, checkedAtMs: this.checkedAtMs, detail: this.detail ?? 'Redis is unreachable' };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.probeTimer !== undefined) this.clock.clear(this.probeTimer);
    [this.reachable, this.checkedAtMs, this.detail] = [false, this.now(), 'the store is closed'];
    if (!this.client.isReady) return void this.client.destroy();
    // close() waits for replies still due; a hung Redis must not hold shutdown.
    await deadline(this.client.close(), this.operationTimeoutMs, 'closing', this.clock, this.errors).catch(() => this.client.destroy());
  }

  /** One PING against a short deadline; only its outcome within the deadline counts. */
  private async probe(timeoutMs: number): Promise<void> {
    if (this.probing || this.closed) return;
    this.probing = true;
    try {
      await deadline(this.client.ping(), timeoutMs, 'health probe', this.clock, this.errors);
      this.learn(true);
    } catch (error) {
      this.learn(false, this.translate('health probe', error).message);
    } finally {
      this.probing = false;
    }
  }

  private learn(reachable: boolean, detail?: string): void {
    // After close() nothing the dying connection says changes the answer.
    if (this.closed) return;
    this.reachable = reachable;
    this.checkedAtMs = this.now();
    this.detail = reachable ? undefined : detail;
  }

  /** A script's error reply starts with a word the store knows; anything else is an outage. */
  private translate(what: string, error: unknown): E {
    if (error instanceof this.errors.type) return error;
    if (error instanceof ErrorReply) {
      const word = error.message.split(' ', 1)[0]!;
      const refused = this.errors.refusal(word, error.message.slice(word.length + 1));
      if (refused) return refused;
    }
    const message = error instanceof Error ? error.message : String(error);
    return this.errors.unavailable(`${what}: ${message}`, { cause: error });
  }
}

function deadline<T>(promise: Promise<T>, ms: number, what: string, clock: Clock, errors: LinkErrors<CodedError>): Promise<T> {
  let timer: TimerHandle | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(errors.unavailable(`${what}: no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => timer !== undefined && clock.clear(timer));
}

/** A background timer must not keep the process alive by itself. */
function unref(handle: TimerHandle): void {
  (handle as { unref?: () => void }).unref?.();
}

/** host:port of a Redis URL, without any password in it. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'an invalid URL';
  }
}
