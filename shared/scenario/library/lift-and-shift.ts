import type { ScenarioInput } from '../schema.ts';

export const liftAndShift = {
  schemaVersion: 1,
  id: 'lift-and-shift',
  title: 'Lift and shift: the legacy estate',
  summary:
    'Move an old estate onto new hardware: a Windows ERP, a Windows reporting service, a network appliance that loads its own kernel module, and a Linux intranet. Not everything can be a container.',
  durationS: 1200,
  debrief: [
    'A VM can run any operating system the CPU architecture supports, with its own kernel, unchanged: that is why "lift and shift" moves whole servers into VMs. It is the house that brings its own foundations.',
    'A container must match the kernel under it. Windows apps need a Windows kernel (a Windows host, or a Windows VM with a container engine), and Windows containers in process isolation even need the same Windows build as the host. An app that loads its own kernel module or needs a particular kernel version cannot be a container at all: it needs a VM (or a microVM with its own kernel).',
    'The price of a Windows guest is real: minutes to boot, gigabytes of memory for the OS, a licence per core. Where an app can be containerised, it stops paying that.',
  ].join('\n\n'),
  hosts: [
    { id: 'metal-1', name: 'Bare-metal hypervisor 1', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
    { id: 'metal-2', name: 'Bare-metal hypervisor 2', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
    { id: 'linux-1', name: 'Linux host', cpu: 8, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 30 },
  ],
  apps: [
    { id: 'erp', name: 'ERP (Windows Server app)', os: 'windows', cpu: 4, memoryMiB: 8192, imageMiB: 6000, replicas: 1, demand: 60 },
    { id: 'reporting', name: 'Reporting (.NET on Windows)', os: 'windows', cpu: 2, memoryMiB: 2048, imageMiB: 1200, replicas: 2, demand: 80 },
    { id: 'firewall', name: 'Packet filter (own kernel module)', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 300, replicas: 2, demand: 100, needsCustomKernel: true },
    { id: 'intranet', name: 'Intranet', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 2, demand: 150 },
  ],
  events: [{ atS: 900, type: 'trafficSpike', appId: 'reporting', factor: 2, durationS: 120 }],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true },
} as const satisfies ScenarioInput;
