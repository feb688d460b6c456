import { describe, expect, it } from 'vitest';
import type { Action, SimState } from '../../../shared/engine/index.ts';
import { reduce } from '../../../shared/engine/index.ts';
import { describeEvent } from '../../../shared/views/events.ts';
import { all, bareMetal, cluster, createVm, deploy, inject, linuxApp, linuxHost, ok, running, scenario, ticks, windowsApp, windowsHost } from '../helpers.ts';

// Host ids that never occur inside a name or a sentence, so any raw id in a message is a leak.
const s = scenario({
  hosts: [
    linuxHost('hx-lin', { name: 'North rack' }),
    linuxHost('hx-old', { name: 'Dusty tower', kvm: false }),
    windowsHost('hx-win', { name: 'Office server' }),
    bareMetal('hx-metal', { name: 'Blade enclosure' }),
  ],
  apps: [
    linuxApp('web', { name: 'Shop', imageMiB: 2000 }),
    linuxApp('sandbox', { name: 'Plug-in', trust: 'untrusted' }),
    linuxApp('ledger', { name: 'Ledger', data: 'regulated' }),
    linuxApp('driver', { name: 'Driver', needsCustomKernel: true }),
    linuxApp('huge', { name: 'Giant', memoryMiB: 60_000 }),
    windowsApp('erp', { name: 'ERP' }),
  ],
  durationS: 3600,
});
const HOST_IDS = s.hosts.map((h) => h.id);

function expectBoardNames(message: string): void {
  for (const id of HOST_IDS) expect(message, `"${message}" names ${id} by its raw id`).not.toMatch(new RegExp(`\\b${id}\\b`));
  // App ids stay off the page too: the board shows app names.
  for (const app of s.apps) if (app.id !== app.name.toLowerCase()) expect(message, `"${message}" names app ${app.id} by id`).not.toMatch(new RegExp(`\\b${app.id}\\b`));
}

/** Placed: a plain VM without an engine, a Linux VM with one, containers, a guest on a host OS. */
const placed = (): SimState =>
  all(running(s), [
    createVm('plain', 'hx-metal', 'linux', 2048, 1, false),
    createVm('box', 'hx-metal', 'linux', 2048, 1, true),
    deploy('sandbox', 'container', 'hx-lin', 'p1'),
    deploy('ledger', 'vm', 'hx-lin', 'l1'),
    deploy('sandbox', 'vm', 'hx-metal', 'p2'),
    deploy('ledger', 'vm', 'hx-metal', 'l2'),
  ]);

const refusals: [string, Action][] = [
  ['a VM on a host without VT-x/AMD-V', deploy('erp', 'vm', 'hx-old')],
  ['createVm on a host without VT-x/AMD-V', createVm('x', 'hx-old', 'linux', 2048)],
  ['a microVM on a host without VT-x/AMD-V', deploy('web', 'microvm', 'hx-old')],
  ['a microVM on a Windows host', deploy('web', 'microvm', 'hx-win')],
  ['a microVM inside a VM', deploy('web', 'microvm', 'box')],
  ['a VM inside a VM', deploy('web', 'vm', 'box')],
  ['a Windows microVM', deploy('erp', 'microvm', 'hx-lin')],
  ['a container on bare metal', deploy('web', 'container', 'hx-metal')],
  ['a Windows container on Linux', deploy('erp', 'container', 'hx-lin')],
  ['a Windows container in a Linux VM', deploy('erp', 'container', 'box')],
  ['a Linux container on Windows', deploy('web', 'container', 'hx-win')],
  ['a custom-kernel container', deploy('driver', 'container', 'hx-lin')],
  ['a container in a VM without an engine', deploy('web', 'container', 'plain')],
  ['a container in a dedicated VM', deploy('web', 'container', 'l1-vm')],
  ['a container too big for its host', deploy('huge', 'container', 'hx-lin')],
  ['a VM too big for its host', deploy('huge', 'vm', 'hx-metal')],
  ['a container too big for its VM', deploy('huge', 'container', 'box')],
  ['a platform change on a busy host', { type: 'configureHost', clusterId: 'c1', hostId: 'hx-lin', platform: 'hypervisor' }],
  ['a hypervisor on a host without VT-x/AMD-V', { type: 'configureHost', clusterId: 'c1', hostId: 'hx-old', platform: 'hypervisor' }],
];

describe('every message names hosts and apps as the board does (no raw host id when the host has a name)', () => {
  it.each(refusals)('refusal: %s', (_what, action) => {
    const r = reduce(placed(), action);
    expect(r.rejection, 'the case should be refused').not.toBeNull();
    expectBoardNames(r.rejection!.message);
  });

  it('refusal: a host that is down', () => {
    const down = ticks(ok(placed(), inject({ type: 'hostFailure', hostId: 'hx-lin' })), 1);
    const r = reduce(down, deploy('web', 'container', 'hx-lin'));
    expect(r.rejection?.code).toBe('host-down');
    expect(r.rejection!.message).toMatch(/^North rack is down/);
    expectBoardNames(r.rejection!.message);
  });

  it('refusal: a VM that fits only without its guest OS', () => {
    const free = 16 * 1024 - 512;
    const tight = ok(running(s), createVm('filler', 'hx-lin', 'linux', free - 600, 1, false));
    const r = reduce(tight, deploy('ledger', 'vm', 'hx-lin'));
    expect(r.rejection?.concept).toBe('guest-os-overhead');
    expectBoardNames(r.rejection!.message);
  });

  it('incidents: image pull, kernel exploit, hypervisor escape, audit and host failure', () => {
    let state = all(placed(), [deploy('web', 'container', 'hx-lin'), deploy('web', 'container', 'box'), deploy('web', 'vm', 'hx-metal')]);
    for (const event of [{ type: 'kernelExploit', os: 'linux' }, { type: 'hypervisorEscape', hostId: 'hx-metal' }, { type: 'complianceAudit' }, { type: 'hostFailure', hostId: 'hx-lin' }, { type: 'hostFailure', hostId: 'hx-old' }] as const) {
      state = ticks(ok(state, inject(event)), 1);
    }
    const incidents = cluster(state).incidents;
    expect(new Set(incidents.map((i) => i.type))).toEqual(new Set(['imagePull', 'kernelExploit', 'hypervisorEscape', 'complianceAudit', 'hostFailure']));
    for (const incident of incidents) expectBoardNames(incident.message);
    expect(incidents.find((i) => i.type === 'hostFailure')!.message).toMatch(/^North rack lost power/);
    expect(incidents.find((i) => i.type === 'hypervisorEscape')!.message).toMatch(/Blade enclosure/);
  });

  it('event banners name the host as the board does', () => {
    expect(describeEvent(s, { atS: 0, type: 'hostFailure', hostId: 'hx-lin' }).title).toBe('Host failure: North rack');
    expect(describeEvent(s, { atS: 0, type: 'hypervisorEscape', hostId: 'hx-metal' }).title).toBe('Hypervisor escape on Blade enclosure');
  });

  it('names a host without a name by its id, as the board does', () => {
    const plain = scenario({ hosts: [linuxHost('h1', { kvm: false })], apps: [windowsApp('erp')] });
    const r = reduce(running(plain), deploy('erp', 'vm', 'h1'));
    expect(r.rejection!.message).toMatch(/^h1 has no hardware virtualisation/);
  });
});
