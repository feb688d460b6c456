import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NGINX_TEMPLATE } from '../support/nginx.ts';

// There is no Docker engine on the test machines; `docker-compose config` parses and checks the
// file without one (test/preflight.mjs installs Debian's docker-compose).
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(command, args, { cwd: ROOT, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

const compose = (...args: string[]) => run('docker-compose', ['-f', 'docker-compose.yml', ...args]);

interface Service {
  readonly image?: string;
  readonly build?: { context: string; dockerfile: string };
  readonly environment?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly tmpfs?: readonly string[];
  readonly ports?: readonly { published: number; target: number }[];
  readonly depends_on?: Record<string, { condition: string }>;
  readonly healthcheck?: unknown;
  readonly init?: boolean;
  readonly command?: readonly string[];
}

/**
 * The config as docker-compose resolves it (anchors expanded, paths absolute), read with the YAML
 * parser docker-compose itself runs on: its own Python, whose python3-yaml it depends on.
 */
type Resolved = { services: Record<string, Service>; volumes?: Record<string, unknown> };
let resolving: Promise<Resolved> | undefined;
const resolvedConfig = () => (resolving ??= readResolvedConfig());

async function readResolvedConfig(): Promise<Resolved> {
  const config = await compose('config');
  expect(config.code, config.stderr).toBe(0);
  const parsed = await run(composePython(), ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], config.stdout);
  expect(parsed.code, parsed.stderr).toBe(0);
  return JSON.parse(parsed.stdout) as Resolved;
}

/** The interpreter on docker-compose's #! line (Debian's: /usr/bin/python3). */
function composePython(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'docker-compose');
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    const shebang = /^#!\s*(\S+)/.exec(readFileSync(path, 'utf8').split('\n', 1)[0]!);
    if (shebang) return shebang[1]!;
  }
  return '/usr/bin/python3';
}

describe.concurrent('docker-compose.yml', () => {
  it('is valid for docker-compose config', async () => {
    const check = await compose('config', '-q');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });

  it('runs redis, two app processes and nginx', async () => {
    const services = await compose('config', '--services');
    expect(services.code).toBe(0);
    expect(services.stdout.split('\n').filter(Boolean).sort()).toEqual(['app1', 'app2', 'nginx', 'redis']);
  });

  it('builds both apps from server/Dockerfile on one Redis, behind one proxy hop', async () => {
    const { services } = await resolvedConfig();
    for (const name of ['app1', 'app2']) {
      const app = services[name]!;
      expect(app.build, name).toEqual({ context: ROOT.replace(/\/$/, ''), dockerfile: 'server/Dockerfile' });
      expect(app.environment, name).toMatchObject({ REDIS_URL: 'redis://redis:6379', PORT: '3000', HOST: '0.0.0.0', TRUST_PROXY: '1' });
      expect(app.depends_on?.redis, name).toEqual({ condition: 'service_healthy' });
      expect(app.init, name).toBe(true);
      expect(app.healthcheck, name).toBeDefined();
    }
    expect(services.app1!.environment!.REDIS_URL).toBe(services.app2!.environment!.REDIS_URL);
  });

  it('keeps Redis on a named volume with the append-only file on', async () => {
    const { services, volumes } = await resolvedConfig();
    expect(services.redis!.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(services.redis!.volumes).toHaveLength(1);
    expect(services.redis!.volumes![0]).toMatch(/^redis-data:\/data(:rw)?$/);
    expect(volumes).toHaveProperty('redis-data');
  });

  it('mounts into nginx the very template the load-balancer tests run, pointed at both apps', async () => {
    const { services } = await resolvedConfig();
    const nginx = services.nginx!;
    const templates = nginx.volumes!.map((v) => v.split(':')).find(([, target]) => target === '/etc/nginx/templates');
    expect(templates, JSON.stringify(nginx.volumes)).toBeDefined();
    expect(templates![2]).toBe('ro');
    // The image renders every *.template in the folder: the tests' file must be the one there.
    expect(resolve(templates![0]!, 'clusterclass.conf.template')).toBe(NGINX_TEMPLATE);
    expect(readdirSync(templates![0]!).filter((f) => f.endsWith('.template'))).toEqual(['clusterclass.conf.template']);
    expect(nginx.environment).toEqual({
      NGINX_ENVSUBST_FILTER: '^CC_',
      CC_LISTEN: '80',
      CC_UPSTREAM_SERVERS: 'server app1:3000 max_fails=1 fail_timeout=3s; server app2:3000 max_fails=1 fail_timeout=3s;',
    });
    // The image's own default.conf would answer for localhost on port 80.
    expect(nginx.tmpfs).toEqual(['/etc/nginx/conf.d']);
    expect(nginx.ports).toEqual([{ published: 8080, target: 80 }]);
    expect(Object.keys(nginx.depends_on ?? {}).sort()).toEqual(['app1', 'app2']);
  });
});
