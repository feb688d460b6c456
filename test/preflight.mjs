#!/usr/bin/env node
// Checks, before any test runs, that the system packages the tests need are installed.
// As root (CI, the dev machines) it installs what is missing from Debian's packages;
// otherwise it prints the exact command to run and exits 1. Node and npm are assumed.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** One line per system command the tests use, with the Debian package that provides it. */
const REQUIREMENTS = [
  { command: 'docker-compose', aptPackages: ['docker-compose'], neededBy: 'test/compose (checks docker-compose.yml; no Docker engine needed)' },
  // A font too: without recommends Chromium may come with none, and screenshots would be unreadable.
  { command: 'chromium', aptPackages: ['chromium', 'fonts-dejavu-core'], neededBy: 'the Playwright browser tests (test/e2e), which drive Debian\'s Chromium' },
  // The tests start their own redis-server on a free port; Debian does not start one as a service here.
  { command: 'redis-server', aptPackages: ['redis-server'], neededBy: 'the Redis storage tests (test/storage) and the durable-session tests' },
  // The tests start their own nginx on a free port with server/deploy/nginx's template, as compose does.
  { command: 'nginx', aptPackages: ['nginx'], neededBy: 'the load-balancer tests (test/deploy) and the multi-process tests behind it' },
];

// Daemons such as nginx live in /usr/sbin, which a non-root PATH often leaves out.
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function onPath(command) {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...SYSTEM_DIRS]) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function run(args) {
  console.error(`preflight: ${args.join(' ')}`);
  const result = spawnSync(args[0], args.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    console.error(`preflight: "${args.join(' ')}" failed (${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

const missing = REQUIREMENTS.filter((r) => !onPath(r.command));
if (missing.length === 0) process.exit(0);

const packages = [...new Set(missing.flatMap((r) => r.aptPackages))];
for (const r of missing) console.error(`preflight: "${r.command}" is missing (package ${r.aptPackages.join(', ')}), needed by ${r.neededBy}`);
// Recommends are left out on purpose: docker-compose would otherwise pull in a whole Docker engine.
const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...packages];

if (process.getuid?.() !== 0) {
  console.error(`preflight: install them as root, then run the tests again:\n  sudo apt-get update && sudo ${install.join(' ')}`);
  if (packages.includes('nginx')) console.error('preflight: Debian starts nginx as a service on port 80 when it installs it; the tests need none (`sudo systemctl disable --now nginx`).');
  process.exit(1);
}
// Installing Debian's nginx would start it as a service on port 80 (through invoke-rc.d); a
// policy-rc.d that exits 101 forbids that for the length of the install. One already there
// (Docker images ship one) is left as it is.
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(POLICY);
const dropPolicy = () => {
  if (ownPolicy) rmSync(POLICY, { force: true });
};
if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\n# test/preflight.mjs: no service starts while it installs packages.\nexit 101\n', { mode: 0o755 });
process.once('exit', dropPolicy);
// Ctrl-C stops apt-get too; the handler (run once apt-get is gone) still removes the file.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(1));
run(['apt-get', 'update', '-qq']);
run([...install, '-qq']);
dropPolicy();
const still = missing.filter((r) => !onPath(r.command));
if (still.length > 0) {
  console.error(`preflight: still missing after the install: ${still.map((r) => r.command).join(', ')}`);
  process.exit(1);
}
console.error(`preflight: installed ${packages.join(', ')}`);
