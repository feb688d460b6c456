import { realDuration, realSeconds } from '../../../shared/views/pace.ts';

/** Display helpers shared by every screen. */

export const clockText = (s: number): string => {
  const total = Math.max(0, Math.floor(s));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
};

export const miB = (m: number): string => (m >= 1024 ? `${(m / 1024).toFixed(m % 1024 === 0 ? 0 : 1)} GiB` : `${Math.round(m)} MiB`);

export const pct = (x: number): string => `${Math.round(x * 100)}%`;

export const points = (x: number): string => (Math.round(x * 10) / 10).toLocaleString('en', { maximumFractionDigits: 1 });

export const money = (x: number): string => x.toLocaleString('en', { maximumFractionDigits: 2, minimumFractionDigits: x % 1 === 0 ? 0 : 2 });

export const OS_LABEL = { linux: 'Linux', windows: 'Windows' } as const;

export const PLATFORM_LABEL = { linux: 'Linux host OS', windows: 'Windows host OS', hypervisor: 'Bare-metal hypervisor' } as const;

export const RUNTIME_LABEL = { container: 'Container', vm: 'VM', microvm: 'microVM' } as const;

export const PHASE_LABEL: Record<string, string> = {
  lobby: 'Lobby: planning',
  running: 'Running',
  paused: 'Paused',
  debrief: 'Debrief',
  ended: 'Ended',
};

/** Each instance state in words (shown with an icon and a colour: colour is never the only signal). */
export const STATUS_LABEL: Record<string, string> = {
  pulling: 'pulling image',
  booting: 'booting',
  running: 'running',
  overloaded: 'overloaded',
  down: 'down',
  breached: 'breached',
};

export const POLICY_LABEL: Record<string, string> = {
  'all-vm': 'Every app in its own VM',
  'all-container': 'Every app as a container',
  greedy: 'Sensible best fit',
};

/** Events and incidents (IncidentType) by name: banners, the injector, the incident list. */
export const EVENT_LABEL: Record<string, string> = {
  trafficSpike: 'Traffic spike',
  noisyNeighbour: 'Noisy neighbour',
  kernelExploit: 'Kernel exploit',
  hypervisorEscape: 'Hypervisor escape',
  hostFailure: 'Host failure',
  patchDay: 'Patch day',
  complianceAudit: 'Compliance audit',
  dataLoss: 'Data loss',
  vmRestore: 'VM rolled back to a snapshot',
  oomKill: 'Out of memory: OOM kill',
  imagePull: 'Image pull',
  overBudget: 'Over budget',
  hypervIsolation: 'Hyper-V isolation',
};

/** Cores, as the board writes them: "1.5", "8", "0.05". */
export const cores = (x: number): string => String(Math.round(x * 100) / 100);

/** "1 core", "1.5 cores". */
export const coreCount = (x: number): string => `${cores(x)} ${cores(x) === '1' ? 'core' : 'cores'}`;

/** A share in per cent with a space, as the engine writes it ("steal 20 %"). */
export const percent = (x: number): string => `${Math.round(x)} %`;

/**
 * Money, always with its unit: scenarios price hosts, licences and storage in abstract credits
 * ("12 credits", "1 credit"), so every figure a student reads says what it counts.
 */
export const credits = (x: number): string => {
  const text = money(Math.round(x * 100) / 100);
  return `${text} ${text === '1' ? 'credit' : 'credits'}`;
};

/** A price per hour: "30 credits / h". */
export const perHour = (x: number): string => `${credits(x)} / h`;

/**
 * Real time left until simulated second `atS` in a room at `speed`, in words ("12 s", "1 min 5 s"):
 * what a student waits for, not the simulation's seconds. Never "0 s" while something is left.
 */
export function realLeft(atS: number, timeS: number, speed: number): string {
  const sim = Math.max(0, atS - timeS);
  return realDuration(Math.max(sim > 0 ? 1 : 0, Math.ceil(realSeconds(sim, speed))));
}
