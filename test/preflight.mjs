#!/usr/bin/env node
// Checks, before any test runs, that the system packages the tests need are installed.
// As root (CI, the dev machines) it installs what is missing from Debian's packages;
// otherwise it prints the exact command to run and exits 1. Node and npm are assumed.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** One line per system command the tests use, with the Debian package that provides it. */
const REQUIREMENTS = [
  { command: 'docker-compose', aptPackages: ['docker-compose'], neededBy: 'test/compose (checks docker-compose.yml; no Docker engine needed)' },
  // A font too: without recommends Chromium may come with none, and screenshots would be unreadable.
  { command: 'chromium', aptPackages: ['chromium', 'fonts-dejavu-core'], neededBy: 'the Playwright browser tests (test/e2e), which drive Debian\'s Chromium' },
  // The tests start their own redis-server on a free port; Debian does not start one as a service here.
  { command: 'redis-server', aptPackages: ['redis-server'], neededBy: 'the Redis storage tests (test/storage) and the durable-session tests' },
];

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
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
  process.exit(1);
}
run(['apt-get', 'update', '-qq']);
run([...install, '-qq']);
const still = missing.filter((r) => !onPath(r.command));
if (still.length > 0) {
  console.error(`preflight: still missing after the install: ${still.map((r) => r.command).join(', ')}`);
  process.exit(1);
}
console.error(`preflight: installed ${packages.join(', ')}`);
