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
] as const;

export type Concept = (typeof CONCEPTS)[number];
