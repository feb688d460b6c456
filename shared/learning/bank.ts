/**
 * The concept-check question bank: at least four questions per concept, so the check before a run
 * and the one after can ask different questions on the same concepts.
 *
 * Every statement here is true by shared DOMAIN.md and the texts in seeds/; none asks for one of the
 * game's figures. They ask why, or what follows. Answers are kept by id (`concept-n`): never
 * renumber a question, only add new ones.
 */
import type { Concept } from '../engine/concepts.ts';
import type { Question } from './types.ts';

/** A multiple-choice question; `answer` is the index of the right choice. */
const choice = (concept: Concept, n: number, prompt: string, choices: readonly string[], answer: number, explanation: string): Question => ({
  id: `${concept}-${n}`,
  concept,
  kind: 'choice',
  prompt,
  choices,
  answer,
  explanation,
});

/** A true-or-false statement. */
const trueOrFalse = (concept: Concept, n: number, prompt: string, truth: boolean, explanation: string): Question => ({
  id: `${concept}-${n}`,
  concept,
  kind: 'true-false',
  prompt,
  choices: ['True', 'False'],
  answer: truth ? 0 : 1,
  explanation,
});

export const QUESTIONS: readonly Question[] = [
  // shared-kernel: a container is processes on the kernel beneath it.
  choice(
    'shared-kernel',
    1,
    'Two containers run on the same Linux host. What do they share?',
    ['Nothing: each one boots a kernel of its own', "The host's kernel, which both run on", 'A guest OS, booted for them by a hypervisor'],
    1,
    "Containers are processes on the host's kernel, kept apart by namespaces and cgroups, so every container on a host uses that one kernel.",
  ),
  choice(
    'shared-kernel',
    2,
    "Why can't a Windows app run as a container on a Linux host?",
    ['Linux hosts cannot give containers enough memory', 'Container engines block all software made for Windows', "It would run on the host's Linux kernel, not a Windows one", 'A Windows app is too big to fit in a container image'],
    2,
    'A container brings no kernel of its own: it runs on the kernel of the machine under it, so a Windows app needs a Windows kernel there.',
  ),
  trueOrFalse(
    'shared-kernel',
    3,
    'A container boots a kernel of its own when it starts.',
    false,
    'A container starts as processes on the kernel that is already running; only VMs and microVMs boot a kernel of their own.',
  ),
  choice(
    'shared-kernel',
    4,
    'Which sentence best describes a container?',
    ['A small VM that boots a minimal kernel of its own for one app', 'A complete copy of an operating system, packed into one file', 'Processes on the host kernel, kept apart by namespaces and cgroups', 'A physical server split into parts by a bare-metal hypervisor'],
    2,
    'A container is not a small VM: it is a process tree that the host kernel isolates with namespaces and limits with cgroups.',
  ),
  trueOrFalse(
    'shared-kernel',
    5,
    'A container image built on Ubuntu can run on a Linux host that runs a different distribution, such as Debian.',
    true,
    'The image brings its own libraries and tools; all it needs underneath is a Linux kernel, whatever distribution the host runs.',
  ),

  // os-compatibility: what runs where, and what goes in between.
  choice(
    'os-compatibility',
    1,
    'You need to run a Linux container on a Windows computer. What must sit in between?',
    ['Nothing: a container engine makes containers run on any OS', 'A Linux VM with a container engine, such as WSL2 provides', 'A Windows build of the container image, made from the same code'],
    1,
    'A Linux container needs a Linux kernel, so on Windows it runs inside a Linux VM (WSL2 is a real Linux kernel in a VM).',
  ),
  choice(
    'os-compatibility',
    2,
    'Which of these can run a Windows app on a Linux host?',
    ['A Windows VM, with a Windows kernel of its own', 'A Windows container on the Linux kernel', 'A Linux container with Windows files copied in', 'Nothing: a Linux host runs only Linux software'],
    0,
    'A VM virtualises the hardware and boots its own guest OS, so a Windows guest can run on a Linux host.',
  ),
  trueOrFalse(
    'os-compatibility',
    3,
    'A VM can run a guest OS that differs from its host’s, such as Windows on a Linux host.',
    true,
    'A VM boots its own kernel on virtual hardware, so any OS made for that CPU architecture can be its guest.',
  ),
  trueOrFalse(
    'os-compatibility',
    4,
    'A process-isolated Windows container runs on any Windows host, whatever Windows build the host has.',
    false,
    "Process isolation shares the host's kernel, so the image's Windows build must match the host's; Hyper-V isolation lifts that limit at a VM's cost.",
  ),
  choice(
    'os-compatibility',
    5,
    "A Windows app's container image was built for an older Windows build than the host's. What lets it run as a container there?",
    ['Giving the container more memory and CPU than the others', 'Reinstalling the host with a Linux kernel instead of Windows', 'Nothing: such an image can only run on bare metal', 'Hyper-V isolation: a small VM with a kernel of its own'],
    3,
    "With Hyper-V isolation each container gets its own kernel in a small VM, so its image no longer has to match the host's build.",
  ),

  // custom-kernel: an app that needs its own kernel or module.
  choice(
    'custom-kernel',
    1,
    'An app needs a kernel module or kernel version of its own. Why is a container the wrong choice for it?',
    ['Its image would be too small to hold a kernel module', "It runs on the host's kernel and cannot bring its own", 'Containers cannot reach the network the module needs'],
    1,
    'Every container on a host runs on that host’s one kernel, so no container can bring a kernel or kernel version of its own.',
  ),
  choice(
    'custom-kernel',
    2,
    'Which runtimes give an app a kernel of its own?',
    ['A container only', 'A container and a VM', 'A VM and a microVM', 'None of them'],
    2,
    'VMs and microVMs both boot a guest kernel of their own; a container always runs on the kernel beneath it.',
  ),
  trueOrFalse(
    'custom-kernel',
    3,
    'Each container on a host can run a kernel version of its own.',
    false,
    'They all run on the one host kernel: there is no separate kernel per container, so changing it changes it for all of them.',
  ),
  choice(
    'custom-kernel',
    4,
    "A packet filter needs its own kernel module, and other teams' containers share the host. Where should the filter run?",
    ['In a VM or microVM, whose kernel it can change freely', 'In a container next to theirs, with more privileges', 'In a container with a bigger image that holds the module', 'On the host kernel, changed for every team on it'],
    0,
    'A VM or microVM has a kernel of its own, so the module changes only that kernel and none of the containers on the host.',
  ),
  trueOrFalse(
    'custom-kernel',
    5,
    'A microVM, such as one made by Firecracker, can run an app that needs its own Linux kernel.',
    true,
    'A microVM boots a small Linux kernel of its own, so the app is not tied to the kernel of the host.',
  ),

  // guest-os-overhead: every VM pays for a whole OS.
  choice(
    'guest-os-overhead',
    1,
    'Why does an app in a VM use more memory than the same app in a container?',
    ['The VM runs a whole guest OS before the app gets any', 'Containers keep most of their memory on disk instead', 'VMs keep a second copy of every app in memory as a spare', 'The app has to be written differently to run in a VM'],
    0,
    'A VM boots a complete operating system with its own kernel, and that OS uses memory whatever the app needs.',
  ),
  trueOrFalse(
    'guest-os-overhead',
    2,
    'Ten small services in ten VMs can share one guest OS between them.',
    false,
    'Each VM has an OS of its own to boot, feed with memory and patch, however small the service inside it is: ten VMs, ten guest OSes.',
  ),
  choice(
    'guest-os-overhead',
    3,
    'A very small service runs in a VM of its own. What can use more memory than the service itself?',
    ['Its log files, which grow a little every day', "The hypervisor's own copy of the service", "The VM's own guest operating system", 'Nothing: the service is always the biggest part'],
    2,
    'A guest OS alone takes hundreds of megabytes (a Windows one, often gigabytes), which can be more than a small service needs.',
  ),
  trueOrFalse(
    'guest-os-overhead',
    4,
    'A container needs a guest OS of its own to run.',
    false,
    "A container uses the kernel that is already running under it, so it pays for no guest OS: that is why it is light.",
  ),
  choice(
    'guest-os-overhead',
    5,
    "One team's services trust each other but must be kept apart from other teams. How can they pay for fewer guest OSes?",
    ['One VM for every service, so that each is kept apart', 'One VM for the team, its services as containers in it', 'Two VMs for every service, one of them a spare', 'All of them as containers on a kernel shared with other teams'],
    1,
    "One guest OS for the whole team keeps other teams out with a VM boundary, while its own services share that VM's kernel as containers.",
  ),

  // capacity: what fits on a host, and what happens when it does not.
  choice(
    'capacity',
    1,
    'On a host full of VMs, what usually runs out first?',
    ['CPU, because each vCPU needs a core of its own', 'Memory, as each VM holds what it was given', 'Disk, because each VM keeps a copy of the host OS'],
    1,
    'Hypervisors overcommit vCPUs, so several share a core, but memory given to a VM is held for it: memory usually fills a host first.',
  ),
  trueOrFalse(
    'capacity',
    2,
    'A hypervisor may run more vCPUs on a host than the host has CPU cores.',
    true,
    'Most VMs are idle most of the time, so hypervisors overcommit vCPUs; when all get busy at once, each waits for a core.',
  ),
  choice(
    'capacity',
    3,
    'A new VM was refused because its host lacked memory. Which change helps?',
    ['Give the VM more vCPUs so it boots faster', 'Give the VM less memory than its guest OS needs', 'Place it on a host with more free memory', 'Restart the host so that the VM is placed first'],
    2,
    'A VM needs room for its memory and its guest OS: another host with room, or a container without a guest OS, can fit where it could not.',
  ),
  trueOrFalse(
    'capacity',
    4,
    "Some of a host's memory is used by its own OS or hypervisor, so not all of it is free for your apps.",
    true,
    'The host OS or hypervisor runs on the same machine and keeps memory for itself before any VM or container gets some.',
  ),
  choice(
    'capacity',
    5,
    'Why keep some spare room on your hosts rather than filling every one to the top?',
    ['Empty memory makes a host run its apps faster', 'A host that is full refuses to boot again', 'No reason: a full host is the cheapest host', "So a failed host's work has somewhere to go"],
    3,
    'When a host fails or reboots for a patch, its work can only be placed again, or moved, where there is room for it.',
  ),

  // density: how many instances fit on a host, and its limits.
  choice(
    'density',
    1,
    'Why do more containers than VMs fit on the same host?',
    ['They pay no guest OS: each needs little more than its app', 'Containers are compressed in memory, and VMs are not', "They use the host's disk as memory instead of its RAM"],
    0,
    'With no guest OS per instance, containers use "megabytes versus gigabytes", so many more fit on one host.',
  ),
  trueOrFalse(
    'density',
    2,
    'Containers built on the same base image can share its read-only layers on a host.',
    true,
    'Image layers are read-only, so the host stores a shared base once for every container that uses it.',
  ),
  choice(
    'density',
    3,
    'What limits how many containers you can pack onto one host?',
    ['Nothing: containers use no memory or CPU of their own', 'Each container needs a guest OS of its own', 'Each container must have a whole CPU core to itself', 'They share its CPU and memory: too many slow them all'],
    3,
    'Containers are light but not free: past a point they compete for the same cores and memory, and every one of them gets slower.',
  ),
  choice(
    'density',
    4,
    'Which plan fits the most small, trusted services onto one host?',
    ['Each service in a VM of its own, sized small', 'Each service on a host of its own', 'Each service in two small VMs, for safety', 'Each service as a container on the host OS'],
    3,
    'Containers share the host kernel and pay no guest OS each, so they pack most densely.',
  ),
  trueOrFalse(
    'density',
    5,
    'Packing untrusted code into containers next to your own services is safe as long as the host has spare memory.',
    false,
    'Spare memory does not change the boundary: containers on one kernel can be reached by a single kernel exploit, so untrusted code needs a kernel of its own.',
  ),

  // hypervisor-type: type-1 (bare metal) against type-2 (hosted).
  choice(
    'hypervisor-type',
    1,
    'What is the difference between a type-1 and a type-2 hypervisor?',
    ['Type-1 runs on the hardware; type-2 runs as an app on an OS', 'Type-1 runs only Linux guests; type-2 also runs Windows ones', 'Type-1 runs VMs; type-2 runs containers on a shared kernel', 'Type-1 is an older version of the same hypervisor'],
    0,
    'A type-1 (bare-metal) hypervisor is the host’s own layer over the hardware; a type-2 (hosted) one is a program on an ordinary OS.',
  ),
  choice(
    'hypervisor-type',
    2,
    'Which of these is a type-2 (hosted) hypervisor?',
    ['A container engine', 'VirtualBox running on a laptop’s OS', 'The cgroups feature of Linux'],
    1,
    'VirtualBox and VMware Workstation are apps on a host OS, which makes them type-2; KVM and Hyper-V turn the host itself into the hypervisor.',
  ),
  trueOrFalse(
    'hypervisor-type',
    3,
    "Hypervisors such as KVM, Hyper-V and VirtualBox need the CPU's hardware virtualisation (VT-x or AMD-V) to run a VM.",
    true,
    'KVM and Hyper-V require VT-x or AMD-V, and VirtualBox dropped its software-only mode, so a host without them runs no VMs or microVMs.',
  ),
  choice(
    'hypervisor-type',
    4,
    'Why does a VM under a type-2 hypervisor usually run a little slower than under a type-1?',
    ['Type-2 VMs all share one guest kernel', 'Type-2 hypervisors give each VM only one vCPU', 'Type-2 VMs have to emulate the CPU in software', 'Its work also passes through the host OS'],
    3,
    'A hosted hypervisor is an app on a full host OS, so there is one more layer between the VM and the hardware.',
  ),
  trueOrFalse(
    'hypervisor-type',
    5,
    'If the host OS under a type-2 hypervisor is taken over, the VMs it runs are at risk too.',
    true,
    'A hosted hypervisor is a program on that host OS: whoever controls the host OS controls the VMs it runs.',
  ),

  // boot-time: what has to start before an app can serve.
  choice(
    'boot-time',
    1,
    'Why does a container start much faster than a VM?',
    ['Containers load only half of their app at first', 'VMs must download their whole disk before booting', 'Containers always run on faster hosts than VMs', 'There is no OS to boot: it starts on a running kernel'],
    3,
    'A VM boots a whole operating system first; a container only starts its own processes on a kernel that is already up.',
  ),
  choice(
    'boot-time',
    2,
    'Traffic triples in a minute. Which extra capacity can serve soonest?',
    ['New Linux VMs, started as soon as it begins', 'New VMs of any OS, given twice the usual vCPUs', 'New containers whose image is already on the host', 'A new physical server, racked and installed'],
    2,
    'A container with its image on the host starts in about a second; a VM needs most of a minute (Windows, minutes) to boot.',
  ),
  trueOrFalse(
    'boot-time',
    3,
    'A microVM, such as one made by Firecracker, can boot its kernel in well under a second.',
    true,
    'Firecracker boots its minimal guest kernel in about an eighth of a second, so a microVM is ready about as fast as a container.',
  ),
  trueOrFalse(
    'boot-time',
    4,
    'A Windows VM usually boots faster than a Linux container starts.',
    false,
    'A VM boots a whole guest OS, which takes minutes for Windows, while a container starts its processes in about a second.',
  ),
  choice(
    'boot-time',
    5,
    'You keep spare VMs running in advance, ready for a traffic spike. What is the trade-off?',
    ['Ready at once, but paid for even if no spike comes', 'Free while they wait, but slower than new VMs in a spike', 'Ready at once, and free until the spike uses them'],
    0,
    'Warm capacity skips the boot wait, but it is paid for every second whether the spike comes or not.',
  ),

  // image-size: images are pulled onto a host before they start.
  choice(
    'image-size',
    1,
    'A container takes much longer than usual to start on a host it has never run on. Why?',
    ['It boots a kernel the first time it runs anywhere', 'It waits for the host to boot a guest OS for it', 'The host must reinstall its container engine first', 'Its image must first be pulled onto that host'],
    3,
    'The first start on a host needs the image copied there, in time proportional to its size; later starts reuse it.',
  ),
  trueOrFalse(
    'image-size',
    2,
    'Every container started from an image downloads the whole image again, even on a host that already has it.',
    false,
    'The host keeps the image’s layers, so every later container from it there starts without pulling it again.',
  ),
  choice(
    'image-size',
    3,
    'Which choice usually gives the smallest container image?',
    ['A full Windows Server Core base image', 'A base that brings a Linux kernel of its own', 'A base with a full distribution and all its tools', 'A minimal base, such as distroless or Alpine'],
    3,
    'Minimal bases hold little beyond what the app needs: a few MiB, against gigabytes for Windows Server Core.',
  ),
  trueOrFalse(
    'image-size',
    4,
    'A container image holds a whole guest OS with its own kernel, which is why it is gigabytes in size.',
    false,
    'An image holds the app and its libraries but no kernel; Linux images can be just a few megabytes.',
  ),
  choice(
    'image-size',
    5,
    'Two apps are built on the same base image, and a host already has it for the first app. What must it pull for the second?',
    ['The whole image again, base included', 'Only the layers the second app adds', 'Nothing: one image is shared by all apps'],
    1,
    'Read-only layers are shared, so the base is already there and only the second app’s own layers are new.',
  ),

  // noisy-neighbour: sharing the CPU.
  choice(
    'noisy-neighbour',
    1,
    'On a full CPU, how do containers with default settings share it?',
    ['The one that started first gets all of it', 'In proportion to how much each one asks for', 'The one with the biggest image gets the most', 'By equal weight: each is sure of the same share'],
    3,
    'Each container has the same cgroup weight by default, so under contention each gets an equal share, however much the others want.',
  ),
  choice(
    'noisy-neighbour',
    2,
    'Which cgroup setting stops a runaway container from ever using more than a set amount of CPU?',
    ['A higher weight (cpu.weight)', 'A second replica', 'A limit (cpu.max)', 'A smaller image'],
    2,
    'A weight only decides shares when the CPU is full; a limit is a hard cap on what the container may ever use.',
  ),
  trueOrFalse(
    'noisy-neighbour',
    3,
    'A VM can use more CPU than its vCPUs whenever its host has idle cores.',
    false,
    'A VM never runs more than its vCPUs at once, so a runaway VM is held to its size.',
  ),
  choice(
    'noisy-neighbour',
    4,
    'The VMs on an overcommitted host all get busy at once. What does each guest OS see?',
    ['Steal time: it waits for a real core', 'More free memory, handed over by the host', 'Extra cores borrowed from idle hosts', 'No change: each VM has cores of its own'],
    0,
    'With more busy vCPUs than cores, each VM waits its turn, and Linux guests report that wait as steal time.',
  ),
  trueOrFalse(
    'noisy-neighbour',
    5,
    "Raising a container's cpu.weight gives it a bigger share of the CPU when the CPU is full.",
    true,
    'Under contention cgroups share the CPU in proportion to their weights, so a higher weight wins a bigger share.',
  ),

  // isolation: which boundary stops what.
  choice(
    'isolation',
    1,
    'Which boundary stops a kernel exploit in one workload from reaching its neighbour?',
    ['A separate container on the same kernel', 'A container built from a different image', 'A VM or microVM, each with a kernel of its own', 'A tight CPU and memory limit on each container'],
    2,
    'An exploit takes the kernel it runs on: containers share one, while a VM or microVM keeps its own behind hardware virtualisation.',
  ),
  trueOrFalse(
    'isolation',
    2,
    'Namespaces and cgroups keep containers apart, but a single bug in their shared kernel can let code escape to the host.',
    true,
    'Container isolation is enforced by one shared kernel, so "container escape is possible with a single vulnerability" (gVisor).',
  ),
  choice(
    'isolation',
    3,
    'Untrusted customer code and your payments service must run on the same hosts. What is the safest plan?',
    ['Give payments a container on a host with more memory', 'Put the customer code in a VM or microVM of its own', 'Run both as containers, each in its own namespaces', 'Use a smaller image for the customer code'],
    1,
    "A kernel of its own keeps an exploit in the customer code away from the kernel your payments run on.",
  ),
  trueOrFalse(
    'isolation',
    4,
    "To escape from a VM, an attacker needs a bug in the hypervisor itself, such as VENOM, not just one in the guest's kernel.",
    true,
    "Taking the guest's kernel only takes that guest; crossing to other VMs needs a flaw in the hypervisor, which is far rarer.",
  ),
  choice(
    'isolation',
    5,
    'Why do clouds keep each customer on kernels of its own?',
    ['So that their containers start faster than in a VM', 'Because each customer needs a different Linux version', "To each customer, every other one's code is untrusted", 'Kernels are cheaper to run than containers'],
    2,
    'Customers do not trust each other, and a shared kernel is one exploit away from reaching everyone on it.',
  ),

  // patching: every kernel is one more to patch.
  choice(
    'patching',
    1,
    'A critical kernel fix arrives. Why do ten VMs mean more work than ten containers on one host?',
    ['Containers never need patching, as images are read-only', 'Each VM has its own kernel to patch; the containers share one', 'A VM can only be patched while its host is switched off', 'Ten VMs need ten hosts, and each host must be patched'],
    1,
    'Every kernel you run is one more to patch: ten VMs are ten kernels, while the containers share their host’s.',
  ),
  choice(
    'patching',
    2,
    'How is a container usually patched?',
    ['Log in to it and run the updates inside it', 'Restart it, and it fetches updates on the way up', 'Patch it in place, like a VM, then take a snapshot', 'Rebuild its image on a patched base and redeploy'],
    3,
    'Containers are disposable: you rebuild the image on a patched base and replace the old containers with new ones.',
  ),
  trueOrFalse(
    'patching',
    3,
    "Patching a container host's kernel usually means rebooting the host, which stops every container on it unless they move first.",
    true,
    'The containers all run on that kernel, so they go down with its reboot unless they are recreated on another host first.',
  ),
  trueOrFalse(
    'patching',
    4,
    'A bare-metal hypervisor never needs patching, because it is not an operating system.',
    false,
    'A bare-metal hypervisor is a kernel too: patching it means rebooting the host under every VM on it.',
  ),
  choice(
    'patching',
    5,
    'Before a hypervisor host is patched and rebooted, how does a cluster keep its VMs running?',
    ['It live-migrates them to another host with room', 'It converts them into containers for a while', 'It copies them to a backup and deletes them', 'It pauses them on the host until it is back'],
    0,
    'In maintenance mode the VMs move to another host while they run, with a pause well under a second, so the reboot costs no downtime.',
  ),

  // cost: hosts cost money while they run.
  choice(
    'cost',
    1,
    'Which change usually makes the hosting bill smaller?',
    ['Giving every small service a VM of its own', 'Keeping spare VMs running all the time', 'Running the same work on fewer hosts', 'Using Windows guests everywhere'],
    2,
    'You pay for every host that runs, so packing the same work onto fewer hosts costs less.',
  ),
  trueOrFalse(
    'cost',
    2,
    'A running host costs money every hour, even when little runs on it.',
    true,
    'The bill counts the machines you keep switched on, not how busy they are.',
  ),
  choice(
    'cost',
    3,
    'Why can a Windows VM cost more to run than a Linux one?',
    ['Windows VMs use more electricity per core', 'Windows guests need a licence, which is paid for', 'Clouds charge more for any VM that boots slowly'],
    1,
    'Every Windows guest carries a licence cost on top of the host it runs on.',
  ),
  choice(
    'cost',
    4,
    'Why does a VM for every service usually cost more than containers on a shared kernel?',
    ['Each VM needs a guest OS, so the work fills more hosts', 'Every VM is billed a fixed fee on top of its host', 'Containers run free, as they use no host memory', 'VMs send more network traffic, which is billed'],
    0,
    'The guest OS of every VM takes memory on the hosts, so the same services fill more hosts, and each host is paid for.',
  ),
  trueOrFalse(
    'cost',
    5,
    'The cheapest plan is always the best one.',
    false,
    'A plan that saves money by sharing a kernel with untrusted code, or by leaving no spare room, can lose far more in breaches and downtime.',
  ),

  // backups: containers are disposable; snapshots are not backups.
  choice(
    'backups',
    1,
    "A container is removed and recreated from its image. What happens to data it wrote into its own writable layer?",
    ['It moves into the new container', 'It is saved into the image', 'It is lost', 'It becomes a snapshot'],
    2,
    "A container's writable layer goes with it; only data on a volume outlives the container.",
  ),
  choice(
    'backups',
    2,
    'Where should a database running in a container keep its data?',
    ["In the container's own writable layer, which is fast", 'On a volume that is backed up somewhere else', 'Inside the container image, rebuilt every night'],
    1,
    'Containers are rebuilt from images, so data that must last goes on a volume, and the volume needs backups of its own.',
  ),
  trueOrFalse(
    'backups',
    3,
    "A VM snapshot kept on the same storage as the VM is a good long-term backup.",
    false,
    'A snapshot is for quick rollback: it lives with the VM, so a failure of that storage or host takes the snapshot too.',
  ),
  trueOrFalse(
    'backups',
    4,
    'A volume on its own is not a backup: if the data on it is corrupted, the volume keeps the corrupted data.',
    true,
    'A volume is only storage; a backup kept elsewhere on a schedule is what brings good data back.',
  ),
  choice(
    'backups',
    5,
    'What does rolling a VM back to a snapshot do?',
    ['Restores only the files you choose from that moment', 'Copies the VM, as it is now, to another host', 'Undoes the last change and keeps all newer data', 'Takes the whole machine back to that moment'],
    3,
    'A snapshot brings back the whole machine at one moment: OS, programs and data together, and nothing written after it.',
  ),
];
