import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI's contract, exercised as a user runs it: a real process, its stdout, stderr and exit code.
// Independent runs go concurrently; each spawn costs about half a second of tsx start-up.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCHER = join(ROOT, 'server/cli/clusterclass.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LAUNCHER, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** A small scenario of our own, so the test does not depend on how the library's lessons are tuned. */
const LESSON = {
  schemaVersion: 1,
  id: 'cli-test',
  title: 'CLI contract test',
  summary: 'An untrusted plug-in next to a trusted shop on one Linux kernel, a Windows app, and a kernel exploit.',
  durationS: 120,
  debrief: 'Containers share a kernel; VMs do not.',
  hosts: [
    { id: 'linux-1', cpu: 8, memoryGiB: 16, platform: 'linux' },
    { id: 'hv-1', cpu: 8, memoryGiB: 16, platform: 'hypervisor' },
  ],
  apps: [
    { id: 'shop', name: 'Shop', os: 'linux', cpu: 1, memoryMiB: 512, data: 'confidential' },
    { id: 'plugin', name: 'Customer plug-in', os: 'linux', cpu: 1, memoryMiB: 256, trust: 'untrusted' },
    { id: 'ledger', name: 'Ledger (.NET Framework)', os: 'windows', cpu: 1, memoryMiB: 1024 },
  ],
  events: [{ atS: 60, type: 'kernelExploit', os: 'linux' }],
};

const PLAN = {
  actions: [
    { atS: 0, type: 'deploy', id: 'shop-1', appId: 'shop', runtime: 'container', target: 'linux-1' },
    { atS: 0, type: 'deploy', id: 'plugin-1', appId: 'plugin', runtime: 'container', target: 'linux-1' },
    { atS: 0, type: 'deploy', id: 'ledger-bad', appId: 'ledger', runtime: 'container', target: 'linux-1' },
    { atS: 1, type: 'deploy', id: 'ledger-1', appId: 'ledger', runtime: 'vm', target: 'hv-1' },
  ],
};

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clusterclass-cli-'));
  const badScenario = structuredClone(LESSON);
  badScenario.hosts[0]!.memoryGiB = -4;
  await Promise.all([
    writeFile(file('lesson.json'), JSON.stringify(LESSON)),
    writeFile(file('plan.json'), JSON.stringify(PLAN)),
    writeFile(file('bad-scenario.json'), JSON.stringify(badScenario)),
    writeFile(file('bad-plan.json'), JSON.stringify({ actions: [{ atS: 0, type: 'deploy', appId: 'shop', runtime: 'lxc', target: 'linux-1' }] })),
    writeFile(file('broken.json'), '{ "actions": [ '),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Checks a report against the contract in README.md: the keys every consumer may rely on, and their types. */
function expectReportShape(report: Record<string, unknown>, scenario: string, seed: number) {
  expect(Object.keys(report).sort()).toEqual(['apps', 'cost', 'dataLoss', 'durationS', 'incidents', 'instances', 'migrations', 'rejections', 'scenario', 'score', 'seed', 'snapshots', 'steal']);
  expect(report.scenario).toBe(scenario);
  expect(report.seed).toBe(seed);
  expect(isNumber(report.durationS)).toBe(true);

  const score = report.score as Record<string, unknown>;
  for (const key of ['total', 'availability', 'cost', 'security']) expect(isNumber(score[key]), `score.${key}`).toBe(true);

  for (const r of report.rejections as Record<string, unknown>[]) {
    expect(isNumber(r.atS)).toBe(true);
    expect(typeof r.action).toBe('object');
    expect(typeof r.code).toBe('string');
    expect(r.concept === null || typeof r.concept === 'string').toBe(true);
    expect(typeof r.message).toBe('string');
  }
  for (const i of report.instances as Record<string, unknown>[]) {
    for (const key of ['id', 'appId', 'runtime', 'hostId']) expect(typeof i[key], `instances[].${key}`).toBe('string');
    expect(['container', 'vm', 'microvm']).toContain(i.runtime);
    if ('vmId' in i) expect(typeof i.vmId).toBe('string');
    if ('isolation' in i) expect(i).toMatchObject({ runtime: 'container', isolation: 'hyperv' });
    expect(i.readyAtS === null || isNumber(i.readyAtS)).toBe(true);
  }
  for (const a of report.apps as Record<string, unknown>[]) {
    expect(typeof a.id).toBe('string');
    expect(a.availability).toBeGreaterThanOrEqual(0);
    expect(a.availability).toBeLessThanOrEqual(1);
    expect(typeof a.breached).toBe('boolean');
  }
  for (const inc of report.incidents as Record<string, unknown>[]) {
    expect(isNumber(inc.atS)).toBe(true);
    expect(typeof inc.type).toBe('string');
    expect(typeof inc.concept).toBe('string');
    expect(Array.isArray(inc.appIds)).toBe(true);
    expect(typeof inc.message).toBe('string');
  }
  expect(isNumber((report.cost as Record<string, unknown>).total)).toBe(true);
  expect(isNumber((report.cost as Record<string, unknown>).storage)).toBe(true);
  for (const key of ['total', 'patchDay', 'containersMoved']) expect(isNumber((report.migrations as Record<string, unknown>)[key]), `migrations.${key}`).toBe(true);
  for (const key of ['taken', 'restored', 'lostWithHost', 'kept']) expect(isNumber((report.snapshots as Record<string, unknown>)[key]), `snapshots.${key}`).toBe(true);
  for (const key of ['askedCoreS', 'stolenCoreS', 'pct']) expect(isNumber((report.steal as Record<string, unknown>)[key]), `steal.${key}`).toBe(true);
  for (const loss of report.dataLoss as Record<string, unknown>[]) {
    expect(['dataLoss', 'hostFailure', 'vmRestore']).toContain(loss.cause);
    expect(['backup', 'snapshot', 'none', 'redeploy']).toContain(loss.recovery);
    for (const key of ['atS', 'lostS', 'serviceLostS']) expect(isNumber(loss[key]), `dataLoss[].${key}`).toBe(true);
  }
}

describe.concurrent('clusterclass CLI', () => {
  it('lists the built-in scenarios as [{id, title, summary}] with --json', async () => {
    const run = await cli('scenarios', '--json');
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.map((s) => s.id)).toContain('tutorial');
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual(['id', 'summary', 'title']);
      for (const value of Object.values(s)) expect(typeof value).toBe('string');
    }
  });

  it('runs a built-in scenario under a policy: stdout is only the report, the same for the same seed', async () => {
    const [first, second] = await Promise.all([cli('sim', '--scenario', 'tutorial', '--plan', 'greedy', '--seed', '7', '--json'), cli('sim', '--scenario', 'tutorial', '--plan', 'greedy', '--seed', '7', '--json')]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expectReportShape(JSON.parse(first.stdout), 'tutorial', 7);
    expect(second.stdout).toBe(first.stdout);
  });

  it('runs a built-in scenario’s expert plan with --plan expert, and it beats the references', async () => {
    const [expert, greedy, text] = await Promise.all([
      cli('sim', '--scenario', 'lift-and-shift', '--plan', 'expert', '--json'),
      cli('sim', '--scenario', 'lift-and-shift', '--plan', 'greedy', '--json'),
      cli('sim', '--scenario', 'lift-and-shift', '--plan', 'expert'),
    ]);
    expect(expert.code).toBe(0);
    const report = JSON.parse(expert.stdout);
    expectReportShape(report, 'lift-and-shift', 1);
    expect(report.rejections).toEqual([]);
    expect(report.score.total).toBeGreaterThan(JSON.parse(greedy.stdout).score.total);
    // Hyper-V isolated containers say so in the report.
    expect(report.instances.some((i: { isolation?: string }) => i.isolation === 'hyperv')).toBe(true);
    expect(text.stdout).toMatch(/Plan: expert plan for lift-and-shift \(\d+ actions\)/);
    expect(text.stdout).toMatch(/container \(Hyper-V\)/);
  });

  it('runs a plan file: rejections carry code and concept, instances keep the ids the plan gave them', async () => {
    const run = await cli('sim', '--scenario', file('lesson.json'), '--plan', file('plan.json'), '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expectReportShape(report, 'cli-test', 1);
    expect(report.durationS).toBe(120);

    expect(report.rejections).toHaveLength(1);
    expect(report.rejections[0]).toMatchObject({ atS: 0, action: PLAN.actions[2], code: 'foreign-kernel', concept: 'shared-kernel' });
    expect(report.rejections[0].message.length).toBeGreaterThan(20);

    const ids = report.instances.map((i: { id: string }) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['shop-1', 'plugin-1', 'ledger-1']));
    expect(ids).not.toContain('ledger-bad');
    expect(report.instances.find((i: { id: string }) => i.id === 'ledger-1')).toMatchObject({ runtime: 'vm', hostId: 'hv-1', vmId: expect.any(String) });

    // The exploit escapes the untrusted plug-in into the shop that shares its kernel.
    expect(report.incidents).toContainEqual(expect.objectContaining({ type: 'kernelExploit', concept: 'isolation', appIds: ['shop'] }));
    expect(report.apps.find((a: { id: string }) => a.id === 'shop').breached).toBe(true);
  });

  it('prints a readable summary without --json', async () => {
    const run = await cli('sim', '--scenario', file('lesson.json'), '--plan', file('plan.json'));
    expect(run.code).toBe(0);
    for (const text of ['CLI contract test', 'Score', 'availability', 'Shop', 'foreign-kernel', 'shared-kernel', 'kernelExploit', 'isolation', 'Cost']) expect(run.stdout).toContain(text);
    expect(() => JSON.parse(run.stdout)).toThrow();
  });

  it('reports migrations, snapshots and data loss, in the JSON and the summary', async () => {
    const [json, text] = await Promise.all([cli('sim', '--scenario', 'backups', '--plan', 'all-vm', '--json'), cli('sim', '--scenario', 'backups', '--plan', 'all-vm')]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expectReportShape(report, 'backups', 1);
    expect(report.dataLoss).toContainEqual(expect.objectContaining({ appId: 'orders', cause: 'dataLoss', recovery: 'snapshot' }));
    expect(report.dataLoss).toContainEqual(expect.objectContaining({ cause: 'hostFailure', recovery: 'none' }));
    expect(report.snapshots.taken).toBeGreaterThan(0);
    expect(report.snapshots.lostWithHost).toBeGreaterThan(0);
    for (const words of ['Migrations', 'Snapshots', 'lost with their host', 'Data loss', 'VM snapshot', 'nothing (lost)', 'storage']) expect(text.stdout).toContain(words);
  });

  it('reports CPU steal when VMs overcommit a busy host, in the JSON and the summary', async () => {
    // Three 2-vCPU VMs, each wanting both cores, on a 2-core host: allowed (overcommit), and two thirds stolen.
    const busy = {
      schemaVersion: 1,
      id: 'steal',
      title: 'Steal',
      summary: 'Three busy VMs on two cores.',
      debrief: 'a\n\nb\n\nc',
      durationS: 60,
      hosts: [{ id: 'h', cpu: 2, memoryGiB: 64, platform: 'hypervisor' }],
      apps: [{ id: 'crunch', name: 'Cruncher', cpu: 2, memoryMiB: 512, replicas: 3, demand: 300 }],
    };
    await writeFile(file('steal.json'), JSON.stringify(busy));
    const [json, text] = await Promise.all([cli('sim', '--scenario', file('steal.json'), '--plan', 'all-vm', '--json'), cli('sim', '--scenario', file('steal.json'), '--plan', 'all-vm')]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.instances.filter((i: { runtime: string }) => i.runtime === 'vm')).toHaveLength(3);
    expect(report.steal.pct).toBeGreaterThan(50);
    expect(report.steal.stolenCoreS).toBeLessThan(report.steal.askedCoreS);
    expect(text.stdout).toMatch(/CPU steal +\d+(\.\d)? % of the CPU your VMs and microVMs asked for was not there/);
  });

  it('shows a built-in scenario as JSON that runs as a scenario file, with the same result', async () => {
    const shown = await cli('show', 'tutorial');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: 'tutorial', schemaVersion: 1 });
    await writeFile(file('tutorial-copy.json'), shown.stdout);
    const [fromFile, builtIn] = await Promise.all([cli('sim', '--scenario', file('tutorial-copy.json'), '--plan', 'all-vm', '--json'), cli('sim', '--scenario', 'tutorial', '--plan', 'all-vm', '--json')]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(builtIn.stdout);
  });

  it('prints help', async () => {
    const run = await cli('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('clusterclass sim --scenario');
  });

  const refusals: [string, () => string[], RegExp][] = [
    ['an unknown command', () => ['simulate'], /unknown command "simulate"/],
    ['an unknown flag', () => ['sim', '--scenario', 'tutorial', '--plan', 'greedy', '--fast'], /--fast/],
    ['a missing --plan', () => ['sim', '--scenario', 'tutorial'], /--plan .* is required/],
    ['a seed that is not a whole number', () => ['sim', '--scenario', 'tutorial', '--plan', 'greedy', '--seed', '1.5'], /--seed must be a whole number/],
    ['a scenario file that does not exist', () => ['sim', '--scenario', file('missing.json'), '--plan', 'greedy'], /no scenario file .*missing\.json/],
    ['a plan file that is not JSON', () => ['sim', '--scenario', 'tutorial', '--plan', file('broken.json')], /plan file .*broken\.json" is not valid JSON/],
    ['a scenario file with a bad field', () => ['sim', '--scenario', file('bad-scenario.json'), '--plan', 'greedy'], /hosts\[0\]\.memoryGiB: must be positive/],
    ['a plan file with a bad action', () => ['sim', '--scenario', 'tutorial', '--plan', file('bad-plan.json')], /actions\[0\]\.runtime: must be one of/],
    ['an expert plan for a scenario file', () => ['sim', '--scenario', file('lesson.json'), '--plan', 'expert'], /--plan expert needs a built-in scenario/],
  ];
  it.each(refusals)('exits 2 with a message on stderr for %s', async (_what, args, message) => {
    const run = await cli(...args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});
