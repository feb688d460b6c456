import type { ScenarioInput } from '../schema.ts';

export const densitySqueeze = {
  schemaVersion: 1,
  id: 'density-squeeze',
  title: 'The budget squeeze',
  summary:
    'Finance wants the hosting bill cut. Twelve small services, four hosts, and a budget that pays for little more than one of them running all the time. How many services can share one machine?',
  durationS: 900,
  budget: 18,
  debrief: [
    'Every VM carries a guest OS: hundreds of megabytes of memory before its app gets any, and that memory is reserved on the host in full. For small services, the guest OS can be bigger than the service. Memory, not CPU, is what fills a host with VMs: as VMs, the twelve services and their replicas need two of these hosts, and the bill goes over budget.',
    'CPU works differently. Hypervisors overcommit vCPUs: a host runs more of them than it has cores (VMware counts up to about 3 per core as unproblematic), because most VMs sit idle most of the time. That is why VMs pack at all. The price comes when they all get busy at once: each gets less and waits for a core, which the guest sees as steal time.',
    'Containers pay no guest OS: they share the host kernel and, usually, its read-only base layers, so "megabytes versus gigabytes" means many more fit on one host. Fewer hosts switched on means a smaller bill.',
    'Density has limits too. Packed containers share the CPU by weight, so a host that is too full slows everyone down; Kubernetes plans for at most 110 pods per node. And the customer webhooks run other people\'s code: on a shared kernel one exploit reaches every container, so they need a kernel of their own, a microVM or a VM.',
  ].join('\n\n'),
  hosts: [
    { id: 'host-1', name: 'Linux host 1', cpu: 8, memoryGiB: 12, platform: 'linux', kvm: true, costPerHour: 60 },
    { id: 'host-2', name: 'Linux host 2', cpu: 8, memoryGiB: 12, platform: 'linux', kvm: true, costPerHour: 60 },
    { id: 'host-3', name: 'Linux host 3', cpu: 8, memoryGiB: 12, platform: 'linux', kvm: true, costPerHour: 60 },
    { id: 'host-4', name: 'Linux host 4', cpu: 8, memoryGiB: 12, platform: 'linux', kvm: true, costPerHour: 60 },
  ],
  apps: [
    { id: 'auth', name: 'Auth', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 30, replicas: 2, demand: 100 },
    { id: 'users', name: 'Users', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 2, demand: 80 },
    { id: 'catalog', name: 'Catalog', os: 'linux', cpu: 0.5, memoryMiB: 512, imageMiB: 60, replicas: 2, demand: 120 },
    { id: 'cart', name: 'Cart', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 2, demand: 90 },
    { id: 'orders', name: 'Orders', os: 'linux', cpu: 0.5, memoryMiB: 512, imageMiB: 60, replicas: 2, demand: 70 },
    { id: 'email', name: 'E-mail sender', os: 'linux', cpu: 0.25, memoryMiB: 128, imageMiB: 20, replicas: 1, demand: 20 },
    { id: 'search', name: 'Search', os: 'linux', cpu: 0.5, memoryMiB: 768, imageMiB: 120, replicas: 2, demand: 60 },
    { id: 'images', name: 'Image resizer', os: 'linux', cpu: 0.5, memoryMiB: 384, imageMiB: 90, replicas: 1, demand: 40 },
    { id: 'reviews', name: 'Reviews', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 1, demand: 30 },
    { id: 'stock', name: 'Stock', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 2, demand: 60 },
    { id: 'pricing', name: 'Pricing', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 1, demand: 40 },
    { id: 'webhooks', name: 'Customer webhooks (runs customer code)', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 1, demand: 30, trust: 'untrusted' },
  ],
  events: [{ atS: 700, type: 'kernelExploit', os: 'linux' }],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true },
} as const satisfies ScenarioInput;
