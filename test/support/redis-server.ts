import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './server-process.ts';
import { createConnection } from 'node:net';

/** A redis-server of the test's own, on a free port, never the machine's shared one. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  /** Shuts it down (nothing is saved) and resolves once the process has exited. */
  stop(): Promise<void>;
}

const MISSING = 'redis-server is not installed, and the storage tests need a real one. As root, run `node test/preflight.mjs` (or `apt-get install -y --no-install-recommends redis-server`).';

export interface RedisOptions {
  /** Start on this port (to bring a stopped server back where its clients look for it). */
  readonly port?: number;
  /** Keep data in this folder with an append-only file, so it survives a stop and a restart. */
  readonly persistDir?: string;
}

export async function startRedisServer(options: RedisOptions = {}): Promise<TestRedis> {
  if (options.port !== undefined) return startOn(options.port, options.persistDir);
  // Another process can take the free port between our probe and redis-server's bind: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), options.persistDir);
    } catch (error) {
      if (attempt === 3 || (error as Error).message === MISSING) throw error;
    }
  }
}

async function startOn(port: number, persistDir?: string): Promise<TestRedis> {
  const persistence = persistDir ? ['--dir', persistDir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--daemonize', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(MISSING) : error));
    void exited.then(() => reject(new Error(`redis-server on port ${port} exited at start: ${output.trim()}`)));
  });
  failed.catch(() => {});
  // A test run that dies must not leave its server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await Promise.race([waitForPong(port, 5000), failed]);
  } catch (error) {
    await stop(child, exited);
    process.off('exit', killOnExit);
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      await stop(child, exited);
      process.off('exit', killOnExit);
    },
  };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // With --save "" SIGTERM is SHUTDOWN NOSAVE; SIGKILL only if it does not go in time.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}


async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await pong(port))) {
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
