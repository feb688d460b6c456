import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNginxConfig, startNginx, type TestNginx } from '../support/nginx.ts';

// The load balancer's config (server/deploy/nginx/clusterclass.conf.template, the file compose
// mounts) in a real nginx, in front of real tiny servers on free ports of 127.0.0.1.

interface Echo {
  readonly name: string;
  readonly url: string;
  readonly bodyBytes: number;
  readonly headers: IncomingHttpHeaders;
}

interface Upstream {
  readonly name: string;
  readonly port: number;
  readonly http: HttpServer;
  stop(): Promise<void>;
}

/** An HTTP server that answers every request with its own name and what it was sent. */
async function startEcho(name: string): Promise<Upstream> {
  const http = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name, url: req.url ?? '', bodyBytes, headers: req.headers } satisfies Echo));
    });
  });
  return listen(name, http);
}

/** A socket.io server whose `whoami` ack names it. */
async function startSocketIo(name: string): Promise<Upstream & { io: SocketServer }> {
  const http = createServer();
  const server = new SocketServer(http);
  server.on('connection', (socket) => socket.on('whoami', (ack: (name: string) => void) => ack(name)));
  const upstream = await listen(name, http);
  return { ...upstream, io: server, stop: () => new Promise((resolve) => void server.close(() => resolve())) };
}

function listen(name: string, http: HttpServer): Promise<Upstream> {
  return new Promise((resolve) => {
    http.listen(0, '127.0.0.1', () => {
      const { port } = http.address() as AddressInfo;
      resolve({
        name,
        port,
        http,
        stop: () =>
          new Promise((done) => {
            http.close(() => done());
            // nginx keeps idle connections to its upstreams: close them too, as a dead process would.
            http.closeAllConnections();
          }),
      });
    });
  });
}

async function echo(base: string, path: string, init?: RequestInit): Promise<Echo> {
  const res = await fetch(`${base}${path}`, init);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Echo;
}

async function namesOf(base: string, paths: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  // One at a time, so the round-robin order is the order of the requests.
  for (const path of paths) names.push((await echo(base, path)).name);
  return names;
}

const tally = (names: readonly string[]) => Object.fromEntries([...new Set(names)].sort().map((n) => [n, names.filter((m) => m === n).length]));

type WhoAmI = Socket<{ [event: string]: never }, { whoami(ack: (name: string) => void): void }>;

/** Connects with one transport and the given query, and resolves with the socket once connected. */
function connectThrough(url: string, transport: 'websocket' | 'polling', query: Record<string, string>): Promise<WhoAmI> {
  const socket: WhoAmI = io(url, { transports: [transport], query, forceNew: true, reconnection: false, timeout: 3000 });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

const whoami = (socket: WhoAmI) => socket.timeout(3000).emitWithAck('whoami');

describe('the nginx config', () => {
  it('is accepted by nginx -t once rendered', () => {
    const check = checkNginxConfig([3001, 3002, 3003]);
    expect(check.output).toContain('test is successful');
    expect(check.ok).toBe(true);
  });
});

/** Three echo processes (a, b, c) behind nginx for a describe block: started before its tests, stopped after. */
function threeEchoesBehindNginx(): { readonly upstreams: Upstream[]; readonly nginx: TestNginx } {
  let upstreams: Upstream[] = [];
  let nginx: TestNginx | undefined;
  beforeAll(async () => {
    upstreams = await Promise.all(['a', 'b', 'c'].map(startEcho));
    nginx = await startNginx({ upstreams: upstreams.map((u) => u.port) });
  });
  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(upstreams.map((u) => u.stop()));
  });
  return {
    get upstreams() {
      return upstreams;
    },
    get nginx() {
      return nginx!;
    },
  };
}

describe('nginx in front of three processes', () => {
  const echoes = threeEchoesBehindNginx();

  it('spreads requests without an lb parameter round-robin over all of them', async () => {
    const names = await namesOf(echoes.nginx.url, Array.from({ length: 9 }, (_, i) => `/api/scenarios?i=${i}`));
    expect(tally(names)).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('sends every request with the same lb to the same process, and different lbs to several', async () => {
    for (const key of ['k1', 'k2', 'k3']) {
      const names = await namesOf(echoes.nginx.url, Array.from({ length: 6 }, (_, i) => `/socket.io/?EIO=4&transport=polling&lb=${key}&t=${i}`));
      expect(new Set(names).size, `lb=${key} went to ${names.join(',')}`).toBe(1);
    }
    const spread = await namesOf(echoes.nginx.url, Array.from({ length: 20 }, (_, i) => `/socket.io/?lb=client-${i}`));
    expect(new Set(spread).size).toBeGreaterThan(1);
  });

  it('passes the client address, the scheme and the Host on, for TRUST_PROXY=1', async () => {
    const seen = await echo(echoes.nginx.url, '/api/x', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    // nginx appends the address it saw, so the right-most entry (the one TRUST_PROXY=1 takes) is real.
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers.host).toBe(`127.0.0.1:${echoes.nginx.port}`);
  });

  it('lets a scenario upload of the app\'s size limit through, and stops a far bigger body itself', async () => {
    const body = 'x'.repeat(256 * 1024 + 1000);
    const seen = await echo(echoes.nginx.url, '/api/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(seen.bodyBytes).toBe(body.length);
    const tooBig = await fetch(`${echoes.nginx.url}/api/rooms`, { method: 'POST', body: 'x'.repeat(1024 * 1024) });
    expect(tooBig.status).toBe(413);
  });

  it('points at other processes after a reload', async () => {
    await echoes.nginx.reload([echoes.upstreams[0]!.port]);
    expect(tally(await namesOf(echoes.nginx.url, ['/1', '/2', '/3']))).toEqual({ a: 3 });
    await echoes.nginx.reload(echoes.upstreams.map((u) => u.port));
    expect(Object.keys(tally(await namesOf(echoes.nginx.url, ['/1', '/2', '/3', '/4', '/5', '/6'])))).toEqual(['a', 'b', 'c']);
  });
});

describe('nginx with one of three processes down', () => {
  const echoes = threeEchoesBehindNginx();

  it('answers every request from the others (next upstream), with or without lb', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `client-${i}`);
    const before = await namesOf(echoes.nginx.url, keys.map((k) => `/socket.io/?lb=${k}`));
    // The hash ring depends on the ports: stop the process that the first client is on.
    const dead = echoes.upstreams.find((u) => u.name === before[0])!;
    await dead.stop();

    const plain = await namesOf(echoes.nginx.url, Array.from({ length: 9 }, (_, i) => `/health?i=${i}`));
    expect(new Set(plain)).toEqual(new Set(echoes.upstreams.filter((u) => u !== dead).map((u) => u.name)));
    const after = await namesOf(echoes.nginx.url, keys.map((k) => `/socket.io/?lb=${k}`));
    expect(after).not.toContain(dead.name);
    // Only the dead process's clients moved: the others still reach the process they had.
    keys.forEach((key, i) => {
      if (before[i] !== dead.name) expect(after[i], key).toBe(before[i]);
    });
  });
});

describe('socket.io through nginx to three processes', () => {
  let upstreams: (Upstream & { io: SocketServer })[];
  let nginx: TestNginx;
  const sockets: WhoAmI[] = [];

  beforeAll(async () => {
    upstreams = await Promise.all(['a', 'b', 'c'].map(startSocketIo));
    nginx = await startNginx({ upstreams: upstreams.map((u) => u.port) });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nginx?.stop();
    await Promise.all((upstreams ?? []).map((u) => u.stop()));
  });

  it('upgrades to a WebSocket and exchanges events', async () => {
    const socket = await connectThrough(nginx.url, 'websocket', { lb: 'ws-client' });
    sockets.push(socket);
    expect(socket.io.engine.transport.name).toBe('websocket');
    const first = await whoami(socket);
    expect(['a', 'b', 'c']).toContain(first);
    expect(await whoami(socket)).toBe(first);
  });

  it('keeps a long-polling client on one process with its lb, handshake included', async () => {
    const clients = await Promise.all(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((lb) => connectThrough(nginx.url, 'polling', { lb })));
    sockets.push(...clients);
    const names: string[] = [];
    for (const socket of clients) {
      expect(socket.io.engine.transport.name).toBe('polling');
      const name = await whoami(socket);
      // Several round trips, each a new HTTP request through nginx, all answered by one process.
      for (let i = 0; i < 4; i++) expect(await whoami(socket)).toBe(name);
      names.push(name);
    }
    expect(new Set(names).size).toBeGreaterThan(1);
  });

  it('cannot keep a long-polling client without lb, which is why the browser client sends one', async () => {
    await expect(connectThrough(nginx.url, 'polling', {})).rejects.toThrow();
  });
});
