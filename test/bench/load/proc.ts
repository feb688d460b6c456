/**
 * The benchmark's child processes: each is `node --import tsx FILE` (not `npx tsx`, which spawns
 * a chain: the CPU and RSS measured must be the process's own), talks over IPC by request and
 * reply, and is killed by its pid when the coordinator exits, fails or is interrupted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSX_LOADER = import.meta.resolve('tsx');
const children = new Set<ChildProcess>();

function killAll(signal: NodeJS.Signals): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, signal);
      } catch {
        // already gone
      }
    }
  }
}
let guarded = false;
/**
 * In the process that starts children only: they die with it, however it ends. Called by the
 * first startChild, and by the coordinator at its start, so that a Ctrl-C before any child
 * (while redis-server or nginx start) still ends in process.exit and its exit hooks.
 */
export function guardChildren(): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\nbench:load: ${signal}, stopping every child process`);
      killAll('SIGKILL');
      process.exit(130);
    });
  }
}

/** A port nothing listens on right now, on loopback (main.ts cannot listen on port 0 and tell us). */
export { freePort } from '../../support/server-process.ts';

export interface Child {
  readonly process: ChildProcess;
  /** Sends a request and resolves with the child's reply (or rejects after `timeoutMs`). */
  request<T = Record<string, unknown>>(type: string, body?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Messages the child sends on its own (not replies), e.g. progress. */
  onEvent(fn: (message: Record<string, unknown>) => void): void;
  /** The last lines it wrote to stderr, for an error message. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node [nodeArgs] --import tsx FILE` with IPC; `file` is relative to this folder. */
export function startChild(file: string, options: { env?: Record<string, string | undefined>; cwd?: string; nodeArgs?: string[]; args?: string[] } = {}): Child {
  guardChildren();
  const path = fileURLToPath(new URL(file, import.meta.url));
  // A variable set to undefined is removed from the child's environment.
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...options.env })) if (value !== undefined) env[name] = value;
  const child = fork(path, options.args ?? [], {
    cwd: options.cwd,
    env,
    execArgv: [...(options.nodeArgs ?? []), '--import', TSX_LOADER],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  children.add(child);
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => {
    tail = (tail + String(d)).slice(-4000);
    // BENCH_DEBUG=1 shows what the children write to stderr as it comes.
    if (process.env.BENCH_DEBUG) process.stderr.write(d);
  });
  let next = 1;
  const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const listeners: ((m: Record<string, unknown>) => void)[] = [];
  child.on('message', (raw) => {
    const message = raw as Record<string, unknown>;
    const id = typeof message.replyTo === 'number' ? message.replyTo : null;
    if (id === null) {
      for (const fn of listeners) fn(message);
      return;
    }
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    clearTimeout(w.timer);
    if (typeof message.error === 'string') w.reject(new Error(`${file}: ${message.error}`));
    else w.resolve(message as never);
  });
  child.on('exit', (code, signal) => {
    children.delete(child);
    for (const w of waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new Error(`${file} exited (${signal ?? code}) before answering: ${lastWords(tail)}`));
    }
    waiting.clear();
  });
  return {
    process: child,
    request<T>(type: string, body: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
          reject(new Error(`${file} is not running: ${lastWords(tail)}`));
          return;
        }
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${file}: no answer to "${type}" within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, { resolve: resolve as (v: never) => void, reject, timer });
        child.send({ ...body, type, id });
      });
    },
    onEvent(fn) {
      listeners.push(fn);
    },
    stderrTail: () => tail,
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's half: answers the parent's requests with `handlers`, and exits when the parent
 * goes (the IPC channel closes), so nothing outlives a coordinator that was killed.
 */
export function serveParent(handlers: Record<string, (body: Record<string, unknown>) => unknown>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const message = raw as Record<string, unknown> & { type: string; id: number };
    const handler = handlers[message.type];
    const reply = (body: Record<string, unknown>) => process.send?.({ ...body, replyTo: message.id });
    if (!handler) {
      reply({ error: `unknown request "${message.type}"` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (result) => reply((result ?? {}) as Record<string, unknown>),
        (error: unknown) => reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
}

/** A message to the parent that is not a reply (progress, a notice). */
export function tellParent(body: Record<string, unknown>): void {
  process.send?.(body);
}

/** What a child said as it died: the error's own lines (its message, not only the stack frames below it), then the last lines. */
function lastWords(tail: string): string {
  const lines = tail.trim().split('\n');
  const said = lines.filter((line) => !/^\s+at /.test(line));
  return [...said.slice(-6), ...lines.slice(-4)].join('\n');
}
