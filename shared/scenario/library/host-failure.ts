import type { ScenarioInput } from '../schema.ts';

export const hostFailure = {
  schemaVersion: 1,
  id: 'host-failure',
  title: 'When a host dies',
  summary:
    'Halfway through the day, a power supply fails and one host goes dark, taking everything on it. How much was on that one machine, and how fast can it come back somewhere else?',
  durationS: 900,
  debrief: [
    'These hosts are fixed: two Linux hosts and one bare-metal hypervisor, with no time to reinstall them. A Windows app has no Windows kernel to share here, so it can only run in a Windows VM.',
    'A host failure takes down everything on it: its containers, its VMs and everything inside them. What matters then is where your replicas were (all on one host, or spread out?) and how fast a replacement starts. This one failed on power, not on disk: once repaired it still has its cached images, but a highly available cluster does not wait for the repair; it starts the lost work elsewhere.',
    'VMs can be live-migrated between healthy hosts, but after a crash they must boot again elsewhere, at VM speed. Containers are not migrated at all: an orchestrator simply starts new ones elsewhere, in seconds if the image is already there.',
    'Spread replicas across hosts and keep enough headroom to restart what was lost: then a dead host is an incident, not an outage.',
  ].join('\n\n'),
  hosts: [
    { id: 'rack-1', name: 'Host rack-1', cpu: 16, memoryGiB: 32, platform: 'hypervisor', kvm: true, costPerHour: 40 },
    { id: 'rack-2', name: 'Host rack-2', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'rack-3', name: 'Host rack-3', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
  ],
  apps: [
    { id: 'frontend', name: 'Front end', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 3, demand: 300 },
    { id: 'api', name: 'API', os: 'linux', cpu: 1, memoryMiB: 1024, imageMiB: 200, replicas: 3, demand: 240 },
    { id: 'sessions', name: 'Session store', os: 'linux', cpu: 1, memoryMiB: 2048, imageMiB: 60, replicas: 2, demand: 150 },
    { id: 'jobs', name: 'Background jobs', os: 'linux', cpu: 2, memoryMiB: 1024, imageMiB: 300, replicas: 1, demand: 40 },
    { id: 'timesheets', name: 'Timesheets (Windows)', os: 'windows', cpu: 2, memoryMiB: 2048, imageMiB: 1500, replicas: 1, demand: 30 },
  ],
  events: [
    { atS: 420, type: 'hostFailure', hostId: 'rack-2' },
    { atS: 700, type: 'trafficSpike', appId: 'frontend', factor: 2, durationS: 60 },
  ],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: false },
} as const satisfies ScenarioInput;
