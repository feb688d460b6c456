/**
 * nginx in front of the measured processes, with the production site config
 * (server/deploy/nginx/clusterclass.conf.template, rendered by test/support/nginx.ts's own
 * functions: `hash $arg_lb consistent`, WebSocket upgrade). Only the nginx.conf around it is the
 * bench's: test/support/nginx.ts's wrapper allows 4,096 connections per worker, and every client
 * behind a proxy holds two (client side, upstream side), so 100 rooms × 30 would not fit; this
 * one is sized to the workload. A master and one worker in a process group of their own, killed
 * by that group when the bench ends however it ends.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX_TEMPLATE, nginxBinary, renderTemplate, templateValues } from '../../support/nginx.ts';
import { freePort } from '../../support/server-process.ts';

export interface Balancer {
  readonly port: number;
  readonly url: string;
  /** The master's pid, which is also its process group's id (the worker is in it). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** `clients`: the socket.io connections expected through it (each uses two of nginx's). */
export async function startBalancer(upstreams: readonly number[], clients: number): Promise<Balancer> {
  const binary = nginxBinary();
  const connections = Math.max(4096, 2 * clients + 1024);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(binary, await freePort(), upstreams, connections);
    } catch (error) {
      // Another process can take the free port between the probe and nginx's bind.
      if (attempt === 3 || !/Address already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startOn(binary: string, port: number, upstreams: readonly number[], connections: number): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-nginx-'));
  const conf = join(dir, 'nginx.conf');
  const errorLog = join(dir, 'error.log');
  const site = join(dir, 'clusterclass.conf');
  writeFileSync(site, renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), templateValues(port, upstreams)));
  writeFileSync(
    conf,
    [
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      // A master started as root would run its worker as `nobody`, who cannot enter this folder.
      ...(process.getuid?.() === 0 ? ['user root root;'] : []),
      `worker_rlimit_nofile ${connections + 256};`,
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} warn;`,
      `events { worker_connections ${connections}; }`,
      'http {',
      '    access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${join(dir, `${kind}_temp`)};`),
      `    include ${site};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['-p', dir, '-c', conf, '-e', errorLog], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const cleanUp = () => {
    killGroup();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM: nginx's fast shutdown; the group's SIGKILL if it lingers.
      child.kill('SIGTERM');
      const timer = setTimeout(killGroup, 5000);
      await exited;
      clearTimeout(timer);
    }
    // A worker that outlived its master would be in the group still.
    killGroup();
    process.off('exit', cleanUp);
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error(`nginx on port ${port} exited at start: ${output.trim()} ${readLog(errorLog).trim()}`)));
  });
  failed.catch(() => {});
  try {
    await Promise.race([waitForListen(port, 5000), failed]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function waitForListen(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      const done = (v: boolean) => {
        socket.destroy();
        resolve(v);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => done(true));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nginx on port ${port} did not accept a connection within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
