import type { App, Isolation, SimState, VmState } from './types.ts';
import type { Physics } from './physics.ts';

/**
 * Windows containers (DOMAIN.md "Windows containers", sources [13][31][39]). Windows ships its user
 * mode and kernel together, so a container image is made for one Windows build:
 * - in process isolation it shares the host's kernel, and the host blocks an image of another build;
 * - with Hyper-V isolation it runs in a utility VM of its own that boots a kernel of the image's
 *   build, on a host of that build or newer, at the price of a small VM's memory and boot; it needs
 *   hardware virtualisation on the host itself (inside a VM that would be nested virtualisation);
 * - containers began with Windows Server 2016 (build 14393): an older build has no base image to
 *   build on and no container engine;
 * - a .NET Framework app needs the Windows Server Core base image, several GB.
 */

/** Windows Server 2016, the first Windows with containers (S [13]). */
export const FIRST_CONTAINER_BUILD = 14393;

const RELEASES: ReadonlyMap<number, string> = new Map([
  [6001, 'Windows Server 2008'],
  [7601, 'Windows Server 2008 R2'],
  [9200, 'Windows Server 2012'],
  [9600, 'Windows Server 2012 R2'],
  [14393, 'Windows Server 2016'],
  [17763, 'Windows Server 2019'],
  [20348, 'Windows Server 2022'],
  [26100, 'Windows Server 2025'],
]);

/** "Windows Server 2019 (build 17763)", or "Windows build 18363" for a build without a server release. */
export const buildName = (build: number): string => {
  const release = RELEASES.get(build);
  return release ? `${release} (build ${build})` : `Windows build ${build}`;
};

/** The release alone when it has a name ("Windows Server 2019"), for a second mention. */
export const releaseName = (build: number): string => RELEASES.get(build) ?? `Windows build ${build}`;

/** The Windows build a host runs as a Windows host, or is installed with when reinstalled as one. */
export function hostBuild(state: SimState, hostId: string): number {
  return state.scenario.hosts.find((h) => h.id === hostId)?.windowsBuild ?? state.physics.windowsBuild;
}

export const vmBuild = (state: SimState, vm: VmState): number => vm.windowsBuild ?? state.physics.windowsBuild;

/** An image to pull: its size, and the base it is built on (shared between images on one engine). */
export interface Image {
  readonly miB: number;
  readonly base?: { readonly id: string; readonly miB: number; readonly serverCore?: boolean };
}

/**
 * The app's container image on an engine whose kernel is of `build` (Linux engines: undefined). A
 * .NET Framework app's image starts from Windows Server Core of its own build (or, with no build of
 * its own, the engine's), so apps of one build share that base on an engine and apps of two do not.
 */
export function containerImage(physics: Physics, app: App, build?: number): Image {
  if (app.os === 'windows' && app.dotnetFramework) {
    const b = app.windowsBuild ?? build ?? physics.windowsBuild;
    // A colon keeps it apart from an author's base ids, which have none.
    return { miB: app.imageMiB + physics.serverCoreImageMiB, base: { id: `servercore:${b}`, miB: physics.serverCoreImageMiB, serverCore: true } };
  }
  return app.baseImage ? { miB: app.imageMiB, base: app.baseImage } : { miB: app.imageMiB };
}

/** Why a Windows app cannot be a container on a given kernel. */
export type WindowsProblem =
  /** The app's build predates Windows containers: no base image exists for it. */
  | 'image-too-old'
  /** The host's or VM's build predates Windows containers: it has no container engine. */
  | 'kernel-too-old'
  /** Process isolation, and the builds differ. */
  | 'build-mismatch'
  /** Hyper-V isolation inside a VM would need nested virtualisation. */
  | 'hyperv-in-vm'
  /** Hyper-V isolation on a host without VT-x/AMD-V. */
  | 'no-virtualisation'
  /** Hyper-V isolation, and the image is newer than the host: a host runs utility VMs of its build or older. */
  | 'image-newer';

/**
 * How a Windows app's container would run on a kernel of `kernelBuild` (a host's when `onHost`,
 * else a VM's), or what stops it. `wanted` left out chooses as Docker's user would: process
 * isolation when the builds match, else Hyper-V isolation if the host can give it. The problem
 * returned then is Hyper-V's, the one left after process isolation was ruled out.
 */
export function windowsIsolation(app: App, kernelBuild: number, onHost: boolean, kvm: boolean, wanted?: Isolation): { isolation: Isolation } | { problem: WindowsProblem } {
  if (app.windowsBuild !== undefined && app.windowsBuild < FIRST_CONTAINER_BUILD) return { problem: 'image-too-old' };
  if (kernelBuild < FIRST_CONTAINER_BUILD) return { problem: 'kernel-too-old' };
  const image = app.windowsBuild ?? kernelBuild;
  if (wanted === 'process' || (wanted === undefined && image === kernelBuild)) return image === kernelBuild ? { isolation: 'process' } : { problem: 'build-mismatch' };
  if (!onHost) return { problem: 'hyperv-in-vm' };
  if (!kvm) return { problem: 'no-virtualisation' };
  if (image > kernelBuild) return { problem: 'image-newer' };
  return { isolation: 'hyperv' };
}
