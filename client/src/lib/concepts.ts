import type { Concept } from '../../../shared/engine/concepts.ts';

export interface ConceptInfo {
  readonly label: string;
  /** One or two plain sentences a student can follow. */
  readonly explain: string;
}

export const CONCEPT_INFO: Record<Concept, ConceptInfo> = {
  'shared-kernel': {
    label: 'Shared kernel',
    explain: "Containers on a machine all use that machine's kernel, so a container can only run an app built for the kernel underneath it.",
  },
  'os-compatibility': {
    label: 'OS compatibility',
    explain: 'An app needs a kernel of its own operating system, and a container also needs a container engine on that kernel. Linux containers on a Windows host need a Linux VM with an engine in between; microVMs boot Linux only.',
  },
  'custom-kernel': {
    label: 'Custom kernel',
    explain: "An app that needs its own kernel module or version cannot be a container, because containers share the host's kernel. Give it a VM or a microVM.",
  },
  'guest-os-overhead': {
    label: 'Guest OS overhead',
    explain: 'Every VM boots a whole operating system, which takes memory (and disk) before your app gets any. Containers skip that.',
  },
  capacity: {
    label: 'Capacity',
    explain: 'A host has only so many cores and so much memory. A VM takes all its memory whether it uses it or not; its vCPUs are assigned, not reserved: they share the host\'s cores, and past a few vCPUs per core the hypervisor refuses more VMs. A container limited below what its app needs (memory.max) is ended by the OOM killer.',
  },
  density: {
    label: 'Density',
    explain: 'With no guest OS per app, containers pack far more apps onto the same hosts than VMs do.',
  },
  'hypervisor-type': {
    label: 'Hypervisor type',
    explain: 'Every VM and microVM needs hardware virtualisation (VT-x/AMD-V). A bare-metal (type-1) hypervisor, such as KVM or Hyper-V, makes the machine itself the hypervisor and has no host OS for containers; a hosted (type-2) one, such as VirtualBox or VMware Workstation, is an app on a host OS and costs more CPU and boot time.',
  },
  'boot-time': {
    label: 'Boot time',
    explain: 'A VM boots a whole OS: about a minute for Linux, several for Windows. A container starts in about a second. A microVM boots its tiny kernel in about 125 ms and then starts the app, so it is ready about as fast as a container, not faster.',
  },
  'image-size': {
    label: 'Image size',
    explain: 'The first time an image lands on a host or in a VM it has to be downloaded, and big images take longer. Later containers there reuse its layers, and an image built on a base that is already there pulls only the rest; a new VM starts with an empty disk.',
  },
  'noisy-neighbour': {
    label: 'Noisy neighbour',
    explain: "Containers on one kernel share its CPUs by cgroup weight (cpu.weight, 100 each by default): one busy container can slow its neighbours unless it has a CPU limit (cpu.max) or they have more weight. VMs share their host's cores too: when their vCPUs want more than the host has, each waits its turn, and that wait is steal time.",
  },
  isolation: {
    label: 'Isolation',
    explain: 'Containers on one kernel are one kernel bug away from each other. A VM or microVM boundary stops a kernel exploit, but on a hosted hypervisor the host kernel runs the VMs too, so keep untrusted code away from other tenants, their data and the host OS under their VMs.',
  },
  patching: {
    label: 'Patching',
    explain: 'Every kernel has to be patched and rebooted: each VM guest is one more kernel to patch, while containers are rebuilt on a new image and restarted quickly.',
  },
  backups: {
    label: 'Backups',
    explain:
      "A container is rebuilt from its image in seconds, but what it wrote inside is gone: keep data on a volume, and back the volume up. A VM snapshot rolls a whole VM back, but it sits on the same host, so it is not a backup.",
  },
  cost: {
    label: 'Cost',
    explain: 'Every running host costs money by the hour and Windows guests carry a licence; spending more than the budget costs points.',
  },
};

export const conceptInfo = (concept: string): ConceptInfo =>
  (CONCEPT_INFO as Record<string, ConceptInfo>)[concept] ?? { label: concept, explain: '' };
