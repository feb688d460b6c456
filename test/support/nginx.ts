import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './server-process.ts';

/** The load balancer's one config, the very file docker-compose.yml mounts into nginx. */
export const NGINX_TEMPLATE = fileURLToPath(new URL('../../server/deploy/nginx/clusterclass.conf.template', import.meta.url));

const MISSING = 'nginx is not installed, and the load-balancer tests need a real one. As root, run `node test/preflight.mjs` (or `apt-get install -y --no-install-recommends nginx`, which starts a service on port 80 unless /usr/sbin/policy-rc.d forbids it).';

/** An nginx of the test's own on a free port of 127.0.0.1, never a system service. */
export interface TestNginx {
  readonly port: number;
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  readonly pid: number;
  /** Stops it (SIGTERM, SIGKILL if it lingers), resolves once it has exited, and removes its folder. */
  stop(): Promise<void>;
  /** Points it at other processes and resolves once nginx has taken the new config. */
  reload(upstreams: readonly number[]): Promise<void>;
}

export interface NginxOptions {
  /** Ports on 127.0.0.1 of the processes behind it. */
  readonly upstreams: readonly number[];
  /**
   * Connections its worker may hold (default 4,096). Every proxied WebSocket holds two (the
   * client's and the upstream's), so a benchmark of thousands of students needs more.
   */
  readonly workerConnections?: number;
}

/**
 * Renders a template as the official nginx image's envsubst step does with
 * NGINX_ENVSUBST_FILTER=^CC_: `${CC_X}` and `$CC_X` become their values, anything else (nginx's
 * own variables) is left alone. A CC_ placeholder with no value is an error, not an empty string.
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(CC_\w+)\}|\$(CC_\w+)/g, (_match, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = values[name];
    if (value === undefined) throw new Error(`${NGINX_TEMPLATE} uses \${${name}}, which has no value`);
    return value;
  });
}

/** The placeholders' values for processes on 127.0.0.1, as compose gives them for app1 and app2. */
export function templateValues(listenPort: number, upstreams: readonly number[]): Record<string, string> {
  if (upstreams.length === 0) throw new Error('nginx needs at least one upstream');
  return {
    CC_LISTEN: `127.0.0.1:${listenPort}`,
    CC_UPSTREAM_SERVERS: upstreams.map((port) => `server 127.0.0.1:${port} max_fails=1 fail_timeout=3s;`).join(' '),
  };
}

/** The nginx binary: Debian puts it in /usr/sbin, which a non-root PATH may leave out. */
export function nginxBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    const path = join(dir, 'nginx');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(MISSING);
}

/** A folder with nginx.conf around the rendered template; everything nginx writes stays in it. */
interface Prefix {
  readonly dir: string;
  readonly conf: string;
  readonly errorLog: string;
  /** Writes the rendered template for these upstreams (the file nginx.conf includes). */
  render(listenPort: number, upstreams: readonly number[]): void;
}

function makePrefix(workerConnections = 4096): Prefix {
  const dir = mkdtempSync(join(tmpdir(), 'cc-nginx-'));
  const conf = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  const site = join(dir, 'clusterclass.conf');
  const template = readFileSync(NGINX_TEMPLATE, 'utf8');
  writeFileSync(
    conf,
    [
      'daemon off;',
      // A master and one worker: reloading (SIGHUP) needs the master (in single-process mode,
      // nginx 1.22 wrote its error log into a client's connection on a reload).
      'master_process on;',
      'worker_processes 1;',
      // A master started as root would run its worker as `nobody`, who cannot enter this folder.
      ...(process.getuid?.() === 0 ? ['user root root;'] : []),
      // An old worker still holding a WebSocket after a reload gives up on it after this.
      'worker_shutdown_timeout 3s;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} notice;`,
      // Each connection is a file: the worker's limit follows its connections.
      `worker_rlimit_nofile ${workerConnections + 256};`,
      `events { worker_connections ${workerConnections}; }`,
      'http {',
      '    access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${join(dir, `${kind}_temp`)};`),
      `    include ${site};`,
      '}',
      '',
    ].join('\n'),
  );
  return {
    dir,
    conf,
    errorLog,
    render: (listenPort, upstreams) => writeFileSync(site, renderTemplate(template, templateValues(listenPort, upstreams))),
  };
}

const nginxArgs = (prefix: Prefix, ...extra: string[]) => ['-p', prefix.dir, '-c', prefix.conf, '-e', prefix.errorLog, ...extra];

/** `nginx -t` on the rendered config: whether nginx accepts it, and what it said. */
export function checkNginxConfig(upstreams: readonly number[], listenPort = 8080): { ok: boolean; output: string } {
  const binary = nginxBinary();
  const prefix = makePrefix();
  try {
    prefix.render(listenPort, upstreams);
    const result = spawnSync(binary, nginxArgs(prefix, '-t'), { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}${readLog(prefix.errorLog)}` };
  } finally {
    rmSync(prefix.dir, { recursive: true, force: true });
  }
}

export async function startNginx(options: NginxOptions): Promise<TestNginx> {
  const binary = nginxBinary();
  // Another process can take the free port between our probe and nginx's bind: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(binary, await freePort(), options.upstreams, options.workerConnections);
    } catch (error) {
      if (attempt === 3 || !/Address already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startOn(binary: string, port: number, upstreams: readonly number[], workerConnections?: number): Promise<TestNginx> {
  const prefix = makePrefix(workerConnections);
  prefix.render(port, upstreams);
  // In a process group of its own, so that one kill of the group ends the master and its worker.
  const child = spawn(binary, nginxArgs(prefix), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error(`nginx on port ${port} exited at start: ${output.trim()} ${readLog(prefix.errorLog).trim()}`)));
  });
  failed.catch(() => {});
  // A test run that dies must not leave its nginx behind.
  const killOnExit = () => {
    killGroup(child);
    rmSync(prefix.dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const stopped = async () => {
    await stop(child, exited);
    process.off('exit', killOnExit);
    rmSync(prefix.dir, { recursive: true, force: true });
  };

  try {
    await Promise.race([waitForListen(port, 5000), failed]);
  } catch (error) {
    await stopped();
    throw error;
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: stopped,
    reload: async (next) => {
      prefix.render(port, next);
      const check = spawnSync(binary, nginxArgs(prefix, '-t'), { encoding: 'utf8' });
      if (check.status !== 0) throw new Error(`nginx refused the new config: ${check.stderr}`);
      // The master logs each worker it starts and each one that exits: the reload is done once a
      // new worker runs and the old one is gone (so no request is still taken with the old config).
      const log = () => readLog(prefix.errorLog);
      const started = count(log(), /start worker process \d+/g);
      const ended = count(log(), /worker process \d+ exited/g);
      child.kill('SIGHUP');
      const until = Date.now() + 5000;
      while (count(log(), /start worker process \d+/g) <= started || count(log(), /worker process \d+ exited/g) <= ended) {
        if (Date.now() > until) throw new Error(`nginx did not reload within 5 s: ${log()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // SIGTERM is nginx's fast shutdown: SIGQUIT's graceful one waits for every open long-poll and
  // WebSocket (up to worker_shutdown_timeout), which a test stopping its nginx has no use for.
  child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(child), 5000);
  await exited;
  clearTimeout(timer);
}

/** SIGKILL to nginx's own process group: its master and worker, nothing else. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

async function waitForListen(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > until) throw new Error(`nginx on port ${port} did not accept a connection within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}
