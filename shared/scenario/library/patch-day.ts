import type { ScenarioInput } from '../schema.ts';

export const patchDay = {
  schemaVersion: 1,
  id: 'patch-day',
  title: 'Patch day',
  summary:
    'A critical Linux fix and a Windows update land the same week. Every kernel you run must be patched and rebooted. How many kernels did you build, and what goes down when each one reboots?',
  durationS: 1200,
  debrief: [
    'Every kernel is one more thing to patch. A VM is patched one guest OS at a time, and each guest reboots at VM speed; ten VMs are ten kernels to patch. Containers are patched by rebuilding their image on a new base and redeploying, which takes moments.',
    'But containers share the host\'s kernel, so patching that kernel means rebooting the host, and everything on it goes down together. Hosted (type-2) VMs go down with their host OS too, then boot again. A bare-metal hypervisor is not the Linux or Windows being patched today, so its guests stay up unless they themselves need patching.',
    'So count kernels, and look at what shares one: fewer kernels mean less patching; spreading replicas across kernels means a reboot never takes a whole service down.',
  ].join('\n\n'),
  hosts: [
    { id: 'linux-1', name: 'Linux host 1', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'linux-2', name: 'Linux host 2', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'hv-1', name: 'Bare-metal hypervisor', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
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
