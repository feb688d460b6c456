/**
 * The teaching figures of the simulation, in one table. Defaults come from shared DOMAIN.md:
 * S = sourced (reference number there), E = a teaching estimate consistent with the sources.
 * A scenario may override any of them through its `physics` block.
 */
export const DEFAULT_PHYSICS = {
  /** Seconds from "create VM" to a usable guest OS on a type-1 hypervisor. S [6]: 44–97 s Linux; Windows 429–810 s, we take 300 s (E: 3–10 min). */
  vmBootS: { linux: 45, windows: 300 },
  /** Type-2 (hosted) hypervisors boot guests slower: +10–20 % (E). */
  type2BootFactor: 1.15,
  /** A container starts once its image is local. S-ish [7] ~0.2 s for Linux; Windows process-isolated containers take seconds (E). */
  containerStartS: { linux: 0.2, windows: 3 },
  /**
   * Firecracker boots to guest init in ≤125 ms. S [1]. The app then starts inside the guest as it
   * would in a container (containerStartS.linux), so a microVM is ready no sooner than a container.
   * Kata Containers take ~0.9 s per pod (S [3]): a scenario may set 0.9 to model Kata instead.
   */
  microvmBootS: 0.125,
  /** Image pull/copy throughput onto an engine that lacks the image (E). */
  imagePullMiBPerS: 100,
  /** A host OS patch-and-reboot (E). */
  hostRebootS: { linux: 60, windows: 180 },
  /** In a rolling patch window, operators wait this long after a host is back before patching the next (E). */
  patchSettleS: 30,
  /** A failed host is out of service this long, then comes back empty (E). */
  hostRepairS: 600,

  /** Memory a guest OS uses inside its VM. E: Linux 256–512 MiB; S [9]: Windows with desktop 2 GB. */
  guestOsMiB: { linux: 384, windows: 2048 },
  /** A VM must leave at least this much above its guest OS for work (E). */
  vmMinFreeMiB: 128,
  /** What the host's own OS or hypervisor keeps for itself (E). */
  hostReservedMiB: { linux: 512, windows: 2048, hypervisor: 256 },
  /** Per-container runtime overhead: no kernel, just a process tree and a shim. E: 5–20 MiB. */
  containerOverheadMiB: 10,
  /** A container engine (daemon + containerd) inside a VM (E). */
  containerEngineMiB: 100,
  /** Firecracker's VMM costs ≤5 MiB per microVM. S [1]. */
  microvmVmmMiB: 5,
  /** The microVM's minimal guest kernel and init (E), with guest RAM at least 128 MiB. S [1]. */
  microvmKernelMiB: 48,
  microvmMinGuestMiB: 128,

  /** Fraction of CPU lost to the virtualisation layer. E, consistent with [8] and [1]. */
  cpuOverhead: { vmType1: 0.03, vmType2: 0.1, container: 0.01, microvm: 0.03 },
  /**
   * vCPUs a hypervisor accepts per host core before it refuses another VM or microVM. VMs: 4, E
   * within S [32] (VMware: 1:1–3:1 unproblematic, 3:1–5:1 may degrade); the cost is steal time
   * when they are all busy (S [34]). MicroVMs: 16, S [33] (OpenStack Nova's default ratio), as
   * Firecracker is built for oversubscription and its hosts run thousands (S [1][2]).
   */
  vcpuOvercommit: { vm: 4, microvm: 16 },
  /**
   * On a saturated CPU (its instances together want more than it has), even an instance that gets
   * all it needs waits for its turn: slower responses, counted as this share of its work lost. E
   * from [22]: a neighbour took p99 latency from 2 ms to 25 ms; cpu.weight won most of it back.
   */
  contentionPenalty: 0.05,

  /** Windows licence per vCPU (or host core) per hour, in the scenario's cost unit (E). */
  windowsLicencePerCoreHour: 2,
  /** Engineer time to patch and reboot one kernel (a host OS or a VM guest) (E). */
  patchCostPerKernel: 1,
  /** Rebuilding one container image on a patched base and redeploying it (E). */
  imageRebuildCost: 0.2,
  /** Default budget when a scenario sets none: this share of running every host all the time. */
  defaultBudgetShare: 0.6,

  /** Security points lost per compromised instance, by the data it holds, out of 100. */
  breachPenalty: { public: 5, confidential: 15, regulated: 30 },
  /** Security points lost per app that fails a compliance audit, out of 100. */
  auditPenalty: 20,

  /** Demand wanders by up to ±this share each second (seeded). */
  demandJitter: 0.05,
  /**
   * Points out of 1000: availability, cost and security. Cost and security are earned on served work.
   * Availability weighs most, so an outage costs more than the host that would have prevented it:
   * a replica on a second host that keeps 6 % more demand served is worth the bill for that host,
   * as it is to anyone running a service (test/engine/score.test.ts has the example: 500/200/300
   * with cost falling to nothing at twice the budget ranked everything stacked on one host first).
   */
  scoreWeights: { availability: 600, cost: 150, security: 250 },
  /**
   * Cost points are full within budget and fall in a straight line to nothing at this many times
   * the budget. 3, not 2: spending 50 % over budget keeps three quarters of them, so paying for
   * spare capacity is a cost, not a cliff; a plan at three times the budget earns none.
   */
  costZeroAtBudgets: 3,

  // Rule 9: moving VMs, snapshots, volumes and backups.
  /**
   * A bare-metal hypervisor's own patch-and-reboot: firmware checks, then the hypervisor (E,
   * consistent with [32]: clusters migrate the VMs away first, in maintenance mode). Patched on Linux
   * patch day: the `hypervisor` platform is KVM-style, the kernel Firecracker microVMs run on.
   */
  hypervisorRebootS: 90,
  /** Live migration copies a running VM's memory to the new host at about this rate (E: a 10 Gbit/s link, consistent with [11]). */
  liveMigrationMiBPerS: 1000,
  /** Then the VM stops for the last dirty pages: well under a second (E, consistent with [11]), below the one-second tick, so it serves on. */
  liveMigrationPauseS: 0.3,
  /** Snapshots kept per VM; taking another merges the oldest away. E, consistent with [40]: VMware advises two or three in a chain. */
  snapshotsPerVm: 3,
  /** Storage a kept snapshot costs per hour, in the scenario's cost unit (E: its delta disk grows as the VM writes). */
  snapshotCostPerHour: 0.5,
  /** Rolling a VM back to a snapshot: the guest resumes from the snapshot's saved state (E). */
  vmRestoreS: 30,
  /** A volume on network storage, per hour (E). */
  volumeCostPerHour: 0.1,
  /** Backing a volume up to separate storage, per hour (E). */
  backupCostPerHour: 0.5,
  /** A backed-up volume is copied away this often, the first copy when backups are switched on (E, game scale: real schedules are hourly or nightly). */
  backupIntervalS: 300,
  /** Restoring a volume from its latest backup before its container starts again (E). */
  volumeRestoreS: 60,
  /**
   * Security points lost per app whose data is lost for good, by the data it held, out of 100; a
   * restore that loses only part of it costs that share (E: integrity and availability are security).
   */
  dataLossPenalty: { public: 10, confidential: 20, regulated: 30 },

  // Windows containers (DOMAIN.md "Windows containers"; see windows.ts for the rules).
  /**
   * The Windows build a Windows host or VM runs unless the scenario or the player says otherwise:
   * Windows Server 2022, build 20348. Process isolation needs a container image of that very build
   * (S [13]: the host blocks a container whose build differs).
   */
  windowsBuild: 20348,
  /**
   * The Windows Server Core base image, which .NET Framework apps need (Nano Server has no .NET
   * Framework), in MiB to pull: "several GB" (S [31]); Microsoft measured Server Core 1903 at 5.1 GB on
   * disk, 2.3 GB to download, and version 2004 at 4.05 GB (Windows Server 2004 release notes). E: 5000.
   */
  serverCoreImageMiB: 5000,
  /**
   * Hyper-V isolation runs each Windows container in a utility VM of its own, with a kernel of the
   * image's build (S [13][39]). Its memory is reserved in full like a small VM's: the utility VM's own
   * Windows (E: Windows Server Core's 512 MB minimum, S [9]; Docker gives such a container 1 GB in all
   * unless told more) on top of the app. It boots before the container starts: seconds, not a VM's
   * minutes (E: "5–10 s" in operators' guides, consistent with [39], which calls it a highly optimised VM).
   * It needs hardware virtualisation on the host itself, like any VM (S [36]).
   */
  hypervIsolation: { memoryMiB: 512, bootS: 5 },
} as const;

type Widen<T> = T extends number ? number : T extends object ? { -readonly [K in keyof T]: Widen<T[K]> } : T;
export type Physics = Widen<typeof DEFAULT_PHYSICS>;
export type PhysicsOverrides = { [K in keyof Physics]?: Physics[K] extends object ? Partial<Physics[K]> : Physics[K] };

/**
 * The defaults with a scenario's overrides on top. It walks the known figures, not the overrides'
 * keys: an override object from JSON may carry `__proto__` or `constructor`, and copying those
 * onto the table would reach Object's prototype.
 */
export function mergePhysics(overrides: PhysicsOverrides | undefined): Physics {
  const merged = structuredClone(DEFAULT_PHYSICS) as Physics;
  if (!overrides) return merged;
  const table = merged as unknown as Record<string, unknown>;
  const given = overrides as Record<string, unknown>;
  for (const key of Object.keys(table)) {
    if (!Object.hasOwn(given, key) || given[key] === undefined) continue;
    const value = given[key];
    const current = table[key];
    if (typeof current === 'object' && current !== null && typeof value === 'object' && value !== null) {
      const inner = current as Record<string, unknown>;
      const parts = value as Record<string, unknown>;
      for (const part of Object.keys(inner)) if (Object.hasOwn(parts, part) && parts[part] !== undefined) inner[part] = parts[part];
    } else if (typeof current === typeof value) {
      table[key] = value;
    }
  }
  return merged;
}
