import type { ScenarioInput } from '../schema.ts';

/**
 * Seed 000's picture: "an EC2 instance is a virtual machine, and inside that VM's OS you're going to
 * see the container engine". VMs on a bare-metal hypervisor keep customers apart; containers inside
 * each customer's VMs pack its services densely.
 */
export const cloudTenants = {
  schemaVersion: 1,
  id: 'cloud-tenants',
  title: 'A cloud of your own: EC2 is a VM with containers inside',
  summary:
    'You run a small cloud on three bare-metal hypervisor hosts. A bakery, a school and a game club rent from you, each with its own services, and the game club lets players upload mods. Keep the customers apart without giving every little service a machine of its own.',
  durationS: 1200,
  // What two of the three hosts cost for the whole run: enough for a careful layout, not for waste.
  budget: 27,
  debrief: [
    'When you rent a server from a cloud such as Amazon EC2, you do not get a real machine: you get a VM. Underneath, a bare-metal hypervisor splits one big physical server into many VMs, and each VM has a kernel of its own. Inside your VM you install a container engine and run your services as containers. So the picture is: hardware, then the hypervisor, then the customers\' VMs, and containers inside each VM.',
    'Why a VM between customers? Containers share the kernel they run on. Namespaces and cgroups keep them apart, but one kernel bug is enough to escape: "container escape is possible with a single vulnerability". When a player uploaded a mod carrying a kernel exploit, it took over the kernel it ran on. If that was the game club\'s own VM, nobody else was reached, because the bakery and the school ran in VMs with kernels of their own. On a kernel shared by everyone, it reached everyone. The auditors check the same thing: no customer\'s data may share a kernel with another customer\'s code, because to each customer every other customer is a stranger.',
    'Why containers inside a customer\'s VM? The bakery\'s shop, orders and stock all belong to the bakery and trust each other, so they can share one kernel. One guest OS for a whole customer, instead of one for every little service, leaves room on each host: a VM for every service would be just as safe, but it pays for a guest OS each time and needs more hosts. And when the bakery\'s cake went viral, one more container started inside its VM in about a second, while a new VM would have taken most of a minute to boot.',
    'So: VMs between people who do not trust each other, containers between services that do. Spread each customer over two VMs on different hosts, so that one host going down never takes a whole shop with it. That is how clouds run containers: on EC2 instances, in customers\' own VMs.',
  ].join('\n\n'),
  hosts: [
    { id: 'metal-1', name: 'Bare-metal host 1', cpu: 8, memoryGiB: 7, platform: 'hypervisor', kvm: true, costPerHour: 40 },
    { id: 'metal-2', name: 'Bare-metal host 2', cpu: 8, memoryGiB: 7, platform: 'hypervisor', kvm: true, costPerHour: 40 },
    { id: 'metal-3', name: 'Bare-metal host 3', cpu: 8, memoryGiB: 7, platform: 'hypervisor', kvm: true, costPerHour: 40 },
  ],
  apps: [
    { id: 'bakery-shop', name: 'Bakery: online shop', os: 'linux', cpu: 0.5, memoryMiB: 384, imageMiB: 80, replicas: 2, demand: 200, tenant: 'bakery' },
    { id: 'bakery-orders', name: 'Bakery: orders', os: 'linux', cpu: 0.5, memoryMiB: 512, imageMiB: 120, replicas: 2, demand: 100, data: 'confidential', tenant: 'bakery' },
    { id: 'bakery-stock', name: 'Bakery: stock', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 2, demand: 60, tenant: 'bakery' },
    { id: 'bakery-mail', name: 'Bakery: order e-mails', os: 'linux', cpu: 0.25, memoryMiB: 128, imageMiB: 30, replicas: 2, demand: 40, tenant: 'bakery' },
    { id: 'school-portal', name: 'School: homework portal', os: 'linux', cpu: 0.5, memoryMiB: 384, imageMiB: 80, replicas: 2, demand: 200, tenant: 'school' },
    { id: 'school-grades', name: 'School: grades', os: 'linux', cpu: 0.25, memoryMiB: 384, imageMiB: 60, replicas: 2, demand: 80, data: 'confidential', tenant: 'school' },
    { id: 'school-chat', name: 'School: class chat', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 2, demand: 120, tenant: 'school' },
    { id: 'school-library', name: 'School: library catalogue', os: 'linux', cpu: 0.25, memoryMiB: 256, imageMiB: 40, replicas: 2, demand: 50, tenant: 'school' },
    {
      id: 'game-mods',
      name: "Game club: players' mods",
      description: 'Runs code that players upload: nobody has checked it.',
      os: 'linux',
      cpu: 1,
      memoryMiB: 768,
      imageMiB: 150,
      replicas: 2,
      demand: 100,
      trust: 'untrusted',
      tenant: 'games',
    },
  ],
  events: [
    { atS: 500, type: 'kernelExploit', os: 'linux' },
    { atS: 700, type: 'trafficSpike', appId: 'bakery-shop', factor: 2.5, durationS: 120 },
    { atS: 1000, type: 'complianceAudit' },
  ],
  allow: { runtimes: ['container', 'vm'], changePlatform: true },
} as const satisfies ScenarioInput;
