import type { ScenarioInput } from '../schema.ts';

export const flashSale = {
  schemaVersion: 1,
  id: 'flash-sale',
  title: 'Flash sale: how fast can you scale?',
  summary:
    'A shop runs a flash sale and traffic triples without warning. New replicas must be up before the customers leave: how fast each kind starts, and how big its image is, decides who gets served. And the card payments still have to pass the audit.',
  durationS: 900,
  debrief: [
    'When demand jumps, capacity you can start in a second is worth more than capacity that arrives in a minute. A container starts as fast as its process, once its image is on the host; a VM first boots a whole guest OS (about 45 s for Linux in the cloud, minutes for Windows).',
    'Image size is start-up time too: the first pull of an image onto a host takes time in proportion to its size, and later pulls reuse the layers already there. A 60 MB image is on a host in under a second; a 2 GB one is not.',
    'Card data is regulated: the auditors at the end of the day want it on a kernel that third-party code never touches. Isolation and start-up speed pull in different directions; a plan that gets both has to choose per app.',
    'You can keep VMs warm in advance instead, but warm capacity is paid for every second whether the spike comes or not. That is the trade: speed of start-up against money spent waiting.',
  ].join('\n\n'),
  hosts: [
    { id: 'node-1', name: 'Linux node 1', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'node-2', name: 'Linux node 2', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'node-3', name: 'Linux node 3', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
  ],
  apps: [
    { id: 'storefront', name: 'Storefront', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 60, replicas: 2, demand: 400, capacityPerReplica: 250 },
    { id: 'checkout', name: 'Checkout', os: 'linux', cpu: 1, memoryMiB: 1024, imageMiB: 250, replicas: 2, demand: 200, capacityPerReplica: 125 },
    { id: 'search', name: 'Product search (JVM)', os: 'linux', cpu: 2, memoryMiB: 3072, imageMiB: 1800, replicas: 1, demand: 100, capacityPerReplica: 130 },
    { id: 'payments', name: 'Card payments', os: 'linux', cpu: 1, memoryMiB: 1024, imageMiB: 200, replicas: 2, demand: 100, capacityPerReplica: 90, data: 'regulated' },
    { id: 'ads', name: 'Partner ad widgets (third-party code)', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 120, replicas: 1, demand: 60, trust: 'untrusted' },
  ],
  events: [
    { atS: 150, type: 'trafficSpike', appId: 'storefront', factor: 3, durationS: 120 },
    { atS: 160, type: 'trafficSpike', appId: 'checkout', factor: 3, durationS: 110 },
    { atS: 420, type: 'trafficSpike', appId: 'search', factor: 4, durationS: 90 },
    { atS: 600, type: 'trafficSpike', appId: 'storefront', factor: 5, durationS: 90 },
    { atS: 605, type: 'trafficSpike', appId: 'checkout', factor: 4, durationS: 90 },
    { atS: 610, type: 'trafficSpike', appId: 'payments', factor: 3, durationS: 90 },
    { atS: 840, type: 'complianceAudit' },
  ],
  allow: { runtimes: ['container', 'vm'], changePlatform: true },
} as const satisfies ScenarioInput;
