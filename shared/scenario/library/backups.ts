import type { ScenarioInput } from '../schema.ts';

export const backups = {
  schemaVersion: 1,
  id: 'backups',
  title: 'Backups and bad updates',
  summary:
    'A shop keeps its orders in a database and its customers’ uploads on disk. This week a bad update corrupts the orders, ransomware scrambles the ledger and a host dies. How do you back up a container, and what does a VM snapshot bring back?',
  durationS: 1200,
  // Enough to run the three hosts most of the time: this lesson is about data, not about packing.
  budget: 45,
  debrief: [
    '"How do I back up my container?" is the first question teams ask in production. A container is disposable: it is rebuilt from its image in seconds, but whatever it wrote into its own writable layer goes with the old one. Data that must last lives on a volume. A volume is only storage, though: the bad update corrupted a volume just as it corrupted a writable layer. Backed up elsewhere on a schedule, the volume came back as of its latest backup, and only the minutes since were lost.',
    'A VM can be backed up "via instance snapshots, which take an image of the whole machine in its current state": rolled back, the OS, the binaries and the data are as they were at the snapshot. That is the whole machine: everything in the VM goes back together, and what was written since is lost, so a snapshot is only as good as it is recent. And a snapshot is not a backup: it lives on the same storage as the VM (VMware advises keeping one no longer than 72 hours). When the host failed, its VMs went, and their snapshots with them.',
    'The front end keeps no data, so its bad update cost only a redeploy of the previous image. So keep stateless work in containers and let them be rebuilt; put state on volumes with backups kept off the host; use snapshots for quick rollbacks of a machine, not as its backup. Lost data costs more than downtime: the work users did since the last good copy is undone, and losing data is a security failure too.',
  ].join('\n\n'),
  hosts: [
    { id: 'linux-1', name: 'Linux host 1', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'linux-2', name: 'Linux host 2', cpu: 16, memoryGiB: 32, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'hv-1', name: 'Bare-metal hypervisor', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
  ],
  apps: [
    { id: 'web', name: 'Shop front end', description: 'Stateless: any copy serves any customer.', os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 3, demand: 300 },
    {
      id: 'orders',
      name: 'Orders database',
      description: 'Keeps every order: losing them means losing what customers bought.',
      os: 'linux',
      cpu: 2,
      memoryMiB: 2048,
      imageMiB: 400,
      replicas: 1,
      demand: 150,
      data: 'confidential',
      stateful: true,
    },
    { id: 'uploads', name: 'Customer uploads', description: 'Photos and documents customers sent.', os: 'linux', cpu: 1, memoryMiB: 1024, imageMiB: 120, replicas: 2, demand: 100, stateful: true },
    {
      id: 'ledger',
      name: 'Accounting ledger (Windows)',
      description: 'The books, on a Windows server.',
      os: 'windows',
      cpu: 2,
      memoryMiB: 4096,
      imageMiB: 3000,
      replicas: 1,
      demand: 40,
      data: 'confidential',
      stateful: true,
    },
  ],
  events: [
    { atS: 420, type: 'dataLoss', appId: 'orders' },
    { atS: 600, type: 'dataLoss', appId: 'web' },
    { atS: 780, type: 'dataLoss', appId: 'ledger' },
    { atS: 960, type: 'hostFailure', hostId: 'linux-1' },
  ],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true },
} as const satisfies ScenarioInput;
