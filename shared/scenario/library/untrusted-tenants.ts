import type { ScenarioInput } from '../schema.ts';

export const untrustedTenants = {
  schemaVersion: 1,
  id: 'untrusted-tenants',
  title: "Running other people's code",
  summary:
    "Your platform runs plug-ins written by your customers next to your own billing service. Somewhere in the term, a Linux kernel exploit is published. Who can reach whom when it lands?",
  durationS: 900,
  debrief: [
    'Containers are isolated by the kernel they share: namespaces give each its own view of processes, network and files, and cgroups limit what it may use. That is a real boundary, but it is one kernel: "container escape is possible with a single vulnerability" (gVisor). runc CVE-2019-5736 let root in a container overwrite the host\'s runc; CVE-2022-0185 was a kernel heap overflow reachable from an unprivileged user namespace.',
    'A VM gives each tenant a kernel of its own on virtualised hardware, so a kernel exploit inside one guest stops at that guest. Escaping a VM needs a hypervisor bug such as VENOM, which is far rarer.',
    'But a guest is only as safe as the kernel under its hypervisor. On Linux hosts A and B, VMs run under a hosted (type-2) hypervisor, an app on the host OS: if untrusted containers share that host kernel, an exploit that takes it takes the VMs it runs too, and the auditors fail regulated data there for the same reason. The bare-metal hypervisor C has no host OS to fall.',
    'So the rule of thumb: containers between your own trusted services, a VM (or microVM) boundary between tenants, and never sensitive data on a kernel shared with untrusted code. The price is a guest OS per tenant: memory, boot time and money.',
  ].join('\n\n'),
  hosts: [
    { id: 'host-a', name: 'Linux host A', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'host-b', name: 'Linux host B', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'host-c', name: 'Bare-metal hypervisor C', cpu: 16, memoryGiB: 32, platform: 'hypervisor', kvm: true, costPerHour: 40 },
  ],
  apps: [
    { id: 'plugin-acme', name: 'Acme Corp plug-in', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 150, replicas: 1, demand: 50, trust: 'untrusted', data: 'public' },
    { id: 'plugin-globex', name: 'Globex plug-in', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 150, replicas: 1, demand: 50, trust: 'untrusted', data: 'public' },
    { id: 'plugin-initech', name: 'Initech plug-in', os: 'linux', cpu: 1, memoryMiB: 768, imageMiB: 200, replicas: 1, demand: 50, trust: 'untrusted', data: 'public' },
    { id: 'billing', name: 'Billing', os: 'linux', cpu: 2, memoryMiB: 2048, imageMiB: 300, replicas: 2, demand: 120, trust: 'trusted', data: 'regulated' },
    { id: 'portal', name: 'Customer portal', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 2, demand: 200, trust: 'trusted', data: 'confidential' },
  ],
  events: [
    { atS: 450, type: 'kernelExploit', os: 'linux' },
    { atS: 750, type: 'complianceAudit' },
  ],
  allow: { runtimes: ['container', 'vm'], changePlatform: true },
} as const satisfies ScenarioInput;
