import type { ScenarioInput } from '../schema.ts';

export const noisyNeighbour = {
  schemaVersion: 1,
  id: 'noisy-neighbour',
  title: 'The noisy neighbour',
  summary:
    'A nightly analytics job shares your hosts with the checkout API. Tonight the job goes haywire and eats every CPU it can find. Which of your services can it starve?',
  durationS: 900,
  debrief: [
    'Containers on one kernel share its CPUs through cgroups. Each container gets the same weight by default (cpu.weight 100), so when the CPU is full each one is sure of an equal share, however much the others want. Tonight the runaway job could only take what its neighbours left. A neighbour that needed less than its share still got all of it, but had to wait its turn, so it answered more slowly: at Netflix, a noisy neighbour pushed another container\'s slowest responses (p99) from 2 ms to 25 ms. A neighbour that needed more than its share got only its share.',
    'The two cgroup settings do different jobs. A weight (cpu.weight) decides who gets how much when the CPU is full: raise it for what matters most. A limit (cpu.max) caps what a container may ever use, so a runaway with a limit cannot fill the CPU and nobody has to wait. Netflix found that weights won back most of the lost speed, and giving work cores of its own (pinning) all of it. A memory limit (memory.max) is a cap too, but set it below what the app needs and the kernel\'s OOM killer ends the container, again and again.',
    'VMs have noisy neighbours as well: that is where the word comes from in clouds. A VM can never use more than its vCPUs, so a runaway VM is held to its size. But hypervisors overcommit: a host usually runs more vCPUs than it has cores, because most VMs are idle most of the time. When the VMs on one host all get busy at once, each waits for a core, and the guest sees that as steal time (the "st" figure in top). Fewer busy vCPUs per core, or a host of its own, is the cure.',
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
