import type { ScenarioInput } from '../schema.ts';

export const microvmFunctions = {
  schemaVersion: 1,
  id: 'microvm-functions',
  title: 'MicroVMs: serverless for strangers',
  summary:
    "You run a functions platform: customers upload code, and traffic to each function comes in bursts. It must start in milliseconds and stay locked in. Containers are fast, VMs are safe. Can you have both?",
  durationS: 900,
  debrief: [
    'MicroVMs (Firecracker, Kata Containers) are real VMs with a minimal device model and a small Linux kernel each: Firecracker boots its guest kernel in about 125 ms (Kata takes nearer a second) and costs under 5 MiB of memory per VM on top of the guest. AWS Lambda and Fargate run customer code this way.',
    'Each microVM has its own kernel behind hardware virtualisation, so a kernel exploit inside one stays inside it, as with a VM. Once its kernel is up the function starts as it would in a container, so a microVM is ready about as fast as a container (not faster) and can scale with bursty traffic.',
    'The catch: microVMs run on KVM, Linux\'s own hypervisor, so they need a Linux host or a bare-metal hypervisor whose CPU has hardware virtualisation (VT-x/AMD-V; in a cloud VM that means nested virtualisation, at a cost). The older host has none, so it can run neither microVMs nor VMs. MicroVMs run Linux guests only, and each still carries a kernel and a little memory that a container would not.',
  ].join('\n\n'),
  hosts: [
    { id: 'kvm-1', name: 'KVM host 1', cpu: 32, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 60 },
    { id: 'kvm-2', name: 'KVM host 2', cpu: 32, memoryGiB: 64, platform: 'linux', kvm: true, costPerHour: 60 },
    { id: 'old-1', name: 'Older host (no VT-x/AMD-V)', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: false, costPerHour: 30 },
  ],
  apps: [
    { id: 'fn-thumbnails', name: 'Customer A: thumbnails', os: 'linux', cpu: 1, memoryMiB: 256, imageMiB: 60, replicas: 1, demand: 40, trust: 'untrusted' },
    { id: 'fn-pdf', name: 'Customer B: PDF export', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 120, replicas: 1, demand: 30, trust: 'untrusted' },
    { id: 'fn-webhook', name: 'Customer C: webhook relay', os: 'linux', cpu: 1, memoryMiB: 128, imageMiB: 30, replicas: 1, demand: 60, trust: 'untrusted' },
    { id: 'gateway', name: 'Platform gateway', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 2, demand: 200, trust: 'trusted', data: 'confidential' },
    { id: 'accounts', name: 'Customer accounts', os: 'linux', cpu: 1, memoryMiB: 1024, imageMiB: 150, replicas: 2, demand: 80, trust: 'trusted', data: 'regulated' },
  ],
  events: [
    { atS: 120, type: 'trafficSpike', appId: 'fn-thumbnails', factor: 5, durationS: 60 },
    { atS: 240, type: 'trafficSpike', appId: 'fn-webhook', factor: 6, durationS: 45 },
    { atS: 400, type: 'trafficSpike', appId: 'fn-pdf', factor: 4, durationS: 60 },
    { atS: 520, type: 'kernelExploit', os: 'linux' },
    { atS: 640, type: 'trafficSpike', appId: 'fn-thumbnails', factor: 6, durationS: 60 },
    { atS: 780, type: 'complianceAudit' },
  ],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true },
} as const satisfies ScenarioInput;
