import type { ScenarioInput } from '../schema.ts';

export const patchDay = {
  schemaVersion: 1,
  id: 'patch-day',
  title: 'Patch day',
  summary:
    'A critical Linux fix and a Windows update land the same week. Every kernel you run must be patched and rebooted. How many kernels did you build, and what goes down when each one reboots?',
  durationS: 1200,
  // What running the four other hosts for 60 % of the time would cost: the spare hypervisor host is room to move into, not a host to fill.
  budget: 36,
  debrief: [
    'Every kernel is one more thing to patch. A VM is patched one guest OS at a time, and each guest reboots at VM speed; ten VMs are ten kernels to patch. Containers are patched by rebuilding their image on a new base and redeploying, which takes moments.',
    'But containers share the host\'s kernel, so patching that kernel means rebooting the host. Before it goes down, its containers are recreated on another host from their patched images, each new copy started before the old one stops; only a container that keeps its data in its own writable layer cannot move, and waits for the reboot. Hosted (type-2) VMs, under a hypervisor such as VirtualBox on the host OS, cannot live-migrate: they go down with their host OS, then boot again.',
    'A bare-metal hypervisor is patched too: it is a kernel, and patching it means rebooting the host under every VM on it. A cluster first puts the host in maintenance mode and live-migrates its running VMs to another hypervisor host with room: a few seconds of copying memory while they run, a pause well under a second, no downtime. With nowhere to go, they go down with it and boot again, Windows guests on Linux patch day included. Their own guest OS still needs its own patch and reboot.',
    'So count kernels, and look at what shares one: fewer kernels mean less patching; spreading replicas across kernels means a reboot never takes a whole service down; and spare room on a second hypervisor host lets VMs step aside.',
  ].join('\n\n'),
  hosts: [
    { id: 'linux-1', name: 'Linux host 1', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'linux-2', name: 'Linux host 2', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'hv-1', name: 'Bare-metal hypervisor 1', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
    { id: 'hv-2', name: 'Bare-metal hypervisor 2', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
    { id: 'win-1', name: 'Windows host', cpu: 16, memoryGiB: 64, platform: 'windows', kvm: true, costPerHour: 50 },
  ],
  apps: [
    { id: 'web', name: 'Web front end', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 3, demand: 300 },
    { id: 'api', name: 'API', os: 'linux', cpu: 1, memoryMiB: 1024, imageMiB: 150, replicas: 3, demand: 240 },
    { id: 'worker', name: 'Queue worker', os: 'linux', cpu: 2, memoryMiB: 1024, imageMiB: 200, replicas: 2, demand: 80 },
    { id: 'cache', name: 'Cache', os: 'linux', cpu: 1, memoryMiB: 2048, imageMiB: 40, replicas: 2, demand: 200 },
    { id: 'crm', name: 'CRM (Windows)', os: 'windows', cpu: 2, memoryMiB: 4096, imageMiB: 3000, replicas: 2, demand: 60 },
  ],
  events: [
    { atS: 600, type: 'patchDay', os: 'linux' },
    { atS: 900, type: 'patchDay', os: 'windows' },
  ],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true },
} as const satisfies ScenarioInput;
