import type { ScenarioInput } from '../schema.ts';

export const liftAndShift = {
  schemaVersion: 1,
  id: 'lift-and-shift',
  title: 'Lift and shift: the legacy estate',
  summary:
    'Move an old estate onto new hardware: a Windows ERP, a Windows reporting service, a network appliance that loads its own kernel module, and a Linux intranet. Not everything can be a container.',
  durationS: 1200,
  debrief: [
    'A VM can run any operating system the CPU architecture supports, with its own kernel, unchanged: that is why "lift and shift" moves whole servers into VMs. It is the house that brings its own foundations. The ERP\'s vendor supports it only on Windows Server 2012 R2, and Windows containers began with Windows Server 2016: there is no container image to build it on, so it moves as it is, into a Windows VM.',
    'A container must match the kernel under it. Windows apps need a Windows kernel (a Windows host, or a Windows VM with a container engine), and Windows containers in process isolation even need the same Windows build as the host. An app that loads its own kernel module or needs a particular kernel version cannot be a container at all: it needs a VM (or a microVM with its own kernel).',
    'The reporting service can be a container, at a price. It is a .NET Framework app, so its image is built on Windows Server Core: gigabytes to pull onto every new host. Its image is made for Windows Server 2019, and a host reinstalled today gets Windows Server 2022, so there it runs with Hyper-V isolation: each container in a small utility VM with a 2019 kernel of its own, which costs another half a gigabyte of memory and a few seconds of boot, and needs hardware virtualisation. A Windows Server 2019 VM with a container engine would run it in process isolation, but only after that VM has booted.',
    'The price of a Windows guest is real: minutes to boot, gigabytes of memory for the OS, a licence per core. Where an app can be containerised, even in a utility VM that boots in seconds, it stops paying most of that; a Windows host licensed for all its cores also covers the Windows VMs on it. So lift the legacy parts (the ERP, the packet filter) into VMs as they are, and containerise what has an image.',
  ].join('\n\n'),
  hosts: [
    { id: 'metal-1', name: 'Bare-metal hypervisor 1', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
    { id: 'metal-2', name: 'Bare-metal hypervisor 2', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
    { id: 'linux-1', name: 'Linux host', cpu: 8, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 30 },
  ],
  apps: [
    {
      id: 'erp',
      name: 'ERP (Windows Server 2012 R2)',
      description: 'Its vendor supports it only on Windows Server 2012 R2, the server it runs on today.',
      os: 'windows',
      cpu: 4,
      memoryMiB: 8192,
      imageMiB: 6000,
      replicas: 1,
      demand: 60,
      windowsBuild: 9600,
    },
    {
      id: 'reporting',
      name: 'Reporting (.NET Framework)',
      description: 'A .NET Framework 4.8 service, packaged on a Windows Server 2019 Server Core image.',
      os: 'windows',
      cpu: 2,
      memoryMiB: 2048,
      imageMiB: 1200,
      replicas: 2,
      demand: 80,
      windowsBuild: 17763,
      dotnetFramework: true,
    },
    { id: 'firewall', name: 'Packet filter (own kernel module)', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 300, replicas: 2, demand: 100, needsCustomKernel: true },
    { id: 'intranet', name: 'Intranet', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 2, demand: 150 },
  ],
  events: [{ atS: 900, type: 'trafficSpike', appId: 'reporting', factor: 2, durationS: 120 }],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true },
} as const satisfies ScenarioInput;
