import type { ScenarioInput } from '../schema.ts';

export const noisyNeighbour = {
  schemaVersion: 1,
  id: 'noisy-neighbour',
  title: 'The noisy neighbour',
  summary:
    'A nightly analytics job shares your hosts with the checkout API. Tonight the job goes haywire and eats every CPU it can find. Which of your services can it starve?',
  durationS: 900,
  debrief: [
    'Containers on one kernel share its CPUs. Without a limit, a runaway container takes CPU time from its neighbours: at Netflix, a co-located container pushed another\'s p99 latency from 2 ms to 25 ms. cgroups v2 `cpu.weight` won most of it back, CPU pinning all of it.',
    'A VM\'s vCPUs are its own: a busy neighbour VM cannot take them, though it can still contend for memory bandwidth and disk. That predictability is part of what you pay a guest OS for.',
    'So containers need limits (cgroups: cpu, memory, io, pids) to be good neighbours, and the scheduler needs room to place them apart.',
  ].join('\n\n'),
  hosts: [
    { id: 'node-1', name: 'Linux node 1', cpu: 8, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'node-2', name: 'Linux node 2', cpu: 8, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'node-3', name: 'Linux node 3', cpu: 8, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
  ],
  apps: [
    { id: 'checkout', name: 'Checkout API', os: 'linux', cpu: 1, memoryMiB: 1024, imageMiB: 150, replicas: 3, demand: 300 },
    { id: 'web', name: 'Web front end', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 2, demand: 200 },
    { id: 'analytics', name: 'Analytics batch job', os: 'linux', cpu: 2, memoryMiB: 4096, imageMiB: 900, replicas: 1, demand: 20 },
    { id: 'metrics', name: 'Metrics collector', os: 'linux', cpu: 0.5, memoryMiB: 256, imageMiB: 40, replicas: 1, demand: 50 },
  ],
  events: [
    { atS: 300, type: 'noisyNeighbour', appId: 'analytics', factor: 8, durationS: 240 },
    { atS: 650, type: 'noisyNeighbour', appId: 'metrics', factor: 10, durationS: 120 },
  ],
  allow: { runtimes: ['container', 'vm'], changePlatform: true },
} as const satisfies ScenarioInput;
