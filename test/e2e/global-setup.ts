import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the client, then starts the real server on 127.0.0.1 on a free port (PORT=0; the port
 * is read from the server's own "listening" log line) and hands its URL to the tests through
 * CC_E2E_URL. The returned teardown stops that one process by its pid.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // CC_E2E_OUT: a build directory of this run's own, so two runs at once never serve each other's half-built client.
  const out = process.env.CC_E2E_OUT?.replace(/\/?$/, '/');
  const outArgs = out ? ['--outDir', out, '--emptyOutDir'] : [];
  const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'client/vite.config.ts', '--logLevel', 'warn', ...outArgs], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build of the client failed');

  // `node --import tsx` runs the server in this one process: its pid is the listening process.
  // Every spec's teacher comes from 127.0.0.1, like a whole school behind one NAT: the suite makes
  // more than the 30 sessions one address may create in 10 minutes (that limit has its own tests
  // in test/server), so this server allows as many as a school would set ROOMS_PER_ADDRESS to.
  const roomsPerAddress = '500';
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...(out ? { CC_CLIENT_DIR: out, SKIP_CLIENT_BUILD: '1' } : {}), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', TEACHER_PASSCODE: '', ROOMS_PER_ADDRESS: roomsPerAddress },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${output}`));
    });
  });
  // Keep draining its output so a chatty server never blocks on a full pipe.
  server.stdout.resume();
  server.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[server] ${chunk.toString()}`));
  process.env.CC_E2E_URL = url;

  return async () => {
    if (server.exitCode !== null || server.pid === undefined) return;
    const exited = once(server, 'exit');
    process.kill(server.pid, 'SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(resolve, 8_000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(server.pid, 'SIGKILL');
  };
}
