/** The ideas ClusterClass teaches. Every rejection and incident names one of these. */
export const CONCEPTS = [
  'shared-kernel',
  'os-compatibility',
  'custom-kernel',
  'guest-os-overhead',
  'capacity',
  'density',
  'hypervisor-type',
  'boot-time',
  'image-size',
  'noisy-neighbour',
  'isolation',
  'patching',
  'cost',
  /** Containers are disposable, so state lives on (backed-up) volumes; VM snapshots roll back but are not backups. */
  'backups',
] as const;

export type Concept = (typeof CONCEPTS)[number];
