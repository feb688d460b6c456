import type { ScenarioInput } from '../schema.ts';

export const tutorial = {
  schemaVersion: 1,
  id: 'tutorial',
  title: 'First cluster: kernels and operating systems',
  summary:
    'Place a small shop onto two Linux hosts and a Windows host. Containers share the kernel under them, so each one must land on a kernel of its own OS; VMs bring a kernel of their own, at a price.',
  durationS: 600,
  debrief: [
    'A container is not a small VM: it is a process tree isolated by namespaces and cgroups, running on the kernel underneath it. That is why a Windows app cannot be a container on a Linux host, and why Linux containers on Windows need a Linux VM in between (Docker Desktop and WSL2 do exactly this).',
    'A VM virtualises hardware and boots a whole guest OS: any OS, its own kernel, but it reserves its memory in full and spends a guest OS worth of it before your app gets any. On these hosts VMs run under a hosted (type-2) hypervisor, an app on the host OS in the style of VirtualBox, which like every hypervisor needs the CPU\'s hardware virtualisation (VT-x/AMD-V).',
    'Containers start in about a second once their image is on the host, because there is no OS to boot: "seconds versus minutes, megabytes versus gigabytes".',
  ].join('\n\n'),
  hosts: [
    { id: 'linux-1', name: 'Linux host 1', cpu: 8, memoryGiB: 16, platform: 'linux', kvm: true, costPerHour: 30 },
    { id: 'linux-2', name: 'Linux host 2', cpu: 8, memoryGiB: 16, platform: 'linux', kvm: true, costPerHour: 30 },
    { id: 'windows-1', name: 'Windows host', cpu: 8, memoryGiB: 32, platform: 'windows', kvm: true, costPerHour: 40 },
  ],
  apps: [
    { id: 'web', name: 'Shop front end', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 60, replicas: 2, demand: 200 },
    { id: 'api', name: 'Orders API', os: 'linux', cpu: 1, memoryMiB: 768, imageMiB: 120, replicas: 2, demand: 150 },
    { id: 'reports', name: 'Sales reports (.NET Framework)', os: 'windows', cpu: 2, memoryMiB: 2048, imageMiB: 1500, replicas: 1, demand: 40, dotnetFramework: true },
  ],
  events: [{ atS: 300, type: 'trafficSpike', appId: 'web', factor: 2, durationS: 90 }],
  allow: { runtimes: ['container', 'vm'], changePlatform: true },
} as const satisfies ScenarioInput;
