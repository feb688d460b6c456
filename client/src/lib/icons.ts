import { svg, type SVGTemplateResult } from 'lit';

/**
 * Small line icons drawn inline, so they look the same on every device (no emoji font needed).
 * They are decorative: every icon sits next to a word that says the same thing.
 */
const PATHS = {
  linux: svg`<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M7 9l3 3-3 3M12 15h5"/>`,
  windows: svg`<path d="M3 5.5l7.5-1v7H3zM12.5 4.2L21 3v8.5h-8.5zM3 12.5h7.5v7L3 18.5zM12.5 12.5H21V21l-8.5-1.2z"/>`,
  hypervisor: svg`<path d="M12 3l9 4.5-9 4.5-9-4.5z"/><path d="M3 12l9 4.5 9-4.5M3 16.5L12 21l9-4.5"/>`,
  cpu: svg`<rect x="6" y="6" width="12" height="12" rx="1.5"/><rect x="9.5" y="9.5" width="5" height="5"/><path d="M9 2v4M15 2v4M9 18v4M15 18v4M2 9h4M2 15h4M18 9h4M18 15h4"/>`,
  memory: svg`<rect x="2" y="7" width="20" height="10" rx="1.5"/><path d="M6 10v4M10 10v4M14 10v4M18 10v4M5 17v3M19 17v3"/>`,
  image: svg`<path d="M12 2l9 5v10l-9 5-9-5V7z"/><path d="M3 7l9 5 9-5M12 12v10"/>`,
  replicas: svg`<rect x="8" y="8" width="13" height="13" rx="2"/><path d="M16 8V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h3"/>`,
  warning: svg`<path d="M12 3L2 21h20z"/><path d="M12 10v5M12 18v.5"/>`,
  lock: svg`<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>`,
  kernel: svg`<circle cx="12" cy="12" r="3.5"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1"/>`,
  check: svg`<circle cx="12" cy="12" r="9.5"/><path d="M7.5 12.5l3 3 6-6.5"/>`,
  clock: svg`<circle cx="12" cy="12" r="9.5"/><path d="M12 6.5V12l3.5 2.5"/>`,
  download: svg`<path d="M12 3v12M7 10l5 5 5-5M4 20h16"/>`,
  flame: svg`<path d="M12 22c4 0 7-2.7 7-6.8 0-4.6-4-6.8-4.6-11.2C12 6 9.8 8.4 9.4 11 8.3 10.3 7.8 9 7.8 7.6 5.7 9.5 5 12.4 5 15.2 5 19.3 8 22 12 22z"/>`,
  cross: svg`<circle cx="12" cy="12" r="9.5"/><path d="M8.5 8.5l7 7M15.5 8.5l-7 7"/>`,
  breach: svg`<path d="M12 2.5l8 3v6c0 5-3.5 8.6-8 10-4.5-1.4-8-5-8-10v-6z"/><path d="M13 6l-3 6h4l-3 6"/>`,
  container: svg`<rect x="4" y="4" width="16" height="16" rx="2"/>`,
  vm: svg`<rect x="3" y="3" width="18" height="18" rx="2"/><rect x="7.5" y="7.5" width="9" height="9" rx="1"/>`,
  microvm: svg`<path d="M12 3l9 9-9 9-9-9z"/><path d="M12 8l4 4-4 4-4-4z"/>`,
  spike: svg`<path d="M3 20h18M4 16l5-5 4 3 7-8"/><path d="M15 6h5v5"/>`,
  noise: svg`<path d="M4 9v6h4l5 4V5L8 9z"/><path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12"/>`,
  bug: svg`<rect x="7" y="7" width="10" height="13" rx="5"/><path d="M12 7v13M9 4l1.5 3M15 4l-1.5 3M3 11h4M17 11h4M3 17h4M17 17h4"/>`,
  escape: svg`<path d="M14 4h5a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1h-5"/><path d="M3 12h12M11 8l4 4-4 4"/>`,
  power: svg`<path d="M12 3v8"/><path d="M6.3 6.8a8 8 0 1 0 11.4 0"/>`,
  patch: svg`<rect x="2.5" y="8" width="19" height="8" rx="4" transform="rotate(-45 12 12)"/><path d="M10.5 10.5h.01M13.5 13.5h.01M10.5 13.5h.01M13.5 10.5h.01"/>`,
  audit: svg`<rect x="5" y="4" width="14" height="18" rx="2"/><path d="M9 2.5h6v3H9zM8.5 12l2 2 4-4M8.5 18h7"/>`,
  money: svg`<circle cx="12" cy="12" r="9.5"/><path d="M15 8.5c-.7-1-1.8-1.5-3-1.5-1.7 0-3 1-3 2.4 0 3.3 6 1.8 6 5 0 1.5-1.3 2.6-3 2.6-1.3 0-2.5-.6-3.2-1.6M12 5v2M12 17v2"/>`,
  layers: svg`<rect x="3" y="13" width="18" height="7" rx="1.5"/><rect x="3" y="4" width="18" height="7" rx="1.5" stroke-dasharray="2 2"/>`,
  grid: svg`<rect x="3" y="3" width="7.5" height="7.5"/><rect x="13.5" y="3" width="7.5" height="7.5"/><rect x="3" y="13.5" width="7.5" height="7.5"/><rect x="13.5" y="13.5" width="7.5" height="7.5"/>`,
  swap: svg`<path d="M4 8h14l-4-4M20 16H6l4 4"/>`,
  dot: svg`<circle cx="12" cy="12" r="6" fill="currentColor"/>`,
  ring: svg`<circle cx="12" cy="12" r="6"/>`,
  shield: svg`<path d="M12 2.5l8 3v6c0 5-3.5 8.6-8 10-4.5-1.4-8-5-8-10v-6z"/>`,
  info: svg`<circle cx="12" cy="12" r="9.5"/><path d="M12 11v6M12 7.5v.5"/>`,
  database: svg`<ellipse cx="12" cy="5.5" rx="8" ry="3"/><path d="M4 5.5v13c0 1.7 3.6 3 8 3s8-1.3 8-3v-13M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>`,
  backup: svg`<ellipse cx="10" cy="5.5" rx="7" ry="2.5"/><path d="M3 5.5v10c0 1.4 3.1 2.5 7 2.5M17 5.5V10"/><path d="M15 15.5a4 4 0 1 0 1.2-2.9M15 11.5v2h2"/>`,
  camera: svg`<path d="M3 8h4l2-3h6l2 3h4v11H3z"/><circle cx="12" cy="13" r="3.5"/>`,
  restore: svg`<path d="M4 12a8 8 0 1 0 2.4-5.7"/><path d="M4 4v4h4"/><path d="M12 8v4l3 2"/>`,
  migrate: svg`<rect x="2" y="6" width="7" height="12" rx="1"/><rect x="15" y="6" width="7" height="12" rx="1"/><path d="M9.5 12h5M12.5 9.5l2.5 2.5-2.5 2.5"/>`,
  oom: svg`<rect x="2" y="7" width="20" height="10" rx="1.5"/><path d="M9 10l6 4M15 10l-6 4"/>`,
  users: svg`<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.5-3.6 3.2-6 6.5-6s6 2.4 6.5 6"/><circle cx="17" cy="9" r="2.5"/><path d="M16.5 14c2.6.2 4.5 2.3 5 5"/>`,
  // Teacher console and projector (C).
  trophy: svg`<path d="M8 4h8v5a4 4 0 0 1-8 0z"/><path d="M8 6H4.5a3 3 0 0 0 3.5 4M16 6h3.5a3 3 0 0 1-3.5 4M12 13v4M8 21h8M9.5 17h5"/>`,
  copy: svg`<rect x="8" y="8" width="12" height="12" rx="2"/><path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"/>`,
  sound: svg`<path d="M4 9v6h4l5 4V5L8 9z"/><path d="M16.5 8.5a5 5 0 0 1 0 7"/>`,
  mute: svg`<path d="M4 9v6h4l5 4V5L8 9z"/><path d="M16 9.5l5 5M21 9.5l-5 5"/>`,
  pause: svg`<rect x="6" y="5" width="4" height="14" rx="1"/><rect x="14" y="5" width="4" height="14" rx="1"/>`,
  screen: svg`<rect x="2.5" y="4" width="19" height="12" rx="1.5"/><path d="M8 20h8M12 16v4"/>`,
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGTemplateResult {
  return svg`<svg class="icon" viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${PATHS[name]}</svg>`;
}

export const STATUS_ICON: Record<string, IconName> = {
  pulling: 'download',
  booting: 'clock',
  running: 'check',
  overloaded: 'flame',
  down: 'cross',
  breached: 'breach',
};

export const RUNTIME_ICON: Record<string, IconName> = { container: 'container', vm: 'vm', microvm: 'microvm' };

export const PLATFORM_ICON: Record<string, IconName> = { linux: 'linux', windows: 'windows', hypervisor: 'hypervisor' };

/** By event or incident type (IncidentType). */
export const EVENT_ICON: Record<string, IconName> = {
  trafficSpike: 'spike',
  noisyNeighbour: 'noise',
  kernelExploit: 'bug',
  hypervisorEscape: 'escape',
  hostFailure: 'power',
  patchDay: 'patch',
  complianceAudit: 'audit',
  imagePull: 'download',
  overBudget: 'money',
  dataLoss: 'database',
  vmRestore: 'restore',
  oomKill: 'oom',
  hypervIsolation: 'windows',
};

export const CONCEPT_ICON: Record<string, IconName> = {
  'shared-kernel': 'kernel',
  'os-compatibility': 'swap',
  'custom-kernel': 'kernel',
  'guest-os-overhead': 'layers',
  capacity: 'memory',
  density: 'grid',
  'hypervisor-type': 'hypervisor',
  'boot-time': 'clock',
  'image-size': 'download',
  'noisy-neighbour': 'noise',
  isolation: 'shield',
  patching: 'patch',
  cost: 'money',
  backups: 'backup',
};
