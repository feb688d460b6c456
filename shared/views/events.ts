import type { Scenario, ScenarioEvent } from '../engine/types.ts';

const fmtDuration = (s: number): string => (s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);
const osName = (os: 'linux' | 'windows'): string => (os === 'linux' ? 'Linux' : 'Windows');

/** A scenario event as a headline and one line of detail, for banners on every screen. */
export function describeEvent(scenario: Scenario, event: ScenarioEvent): { title: string; detail: string } {
  const app = (id: string) => scenario.apps.find((a) => a.id === id)?.name ?? id;
  switch (event.type) {
    case 'trafficSpike':
      return { title: `Traffic spike: ${app(event.appId)}`, detail: `Demand ×${event.factor} for ${fmtDuration(event.durationS)}. Can you start capacity fast enough?` };
    case 'noisyNeighbour':
      return { title: `Noisy neighbour: ${app(event.appId)}`, detail: `It burns ×${event.factor} its CPU for ${fmtDuration(event.durationS)}. Who shares its CPUs?` };
    case 'kernelExploit':
      return { title: `${osName(event.os)} kernel exploit`, detail: `Untrusted code can escape to any ${osName(event.os)} kernel it shares.` };
    case 'hypervisorEscape':
      return { title: `Hypervisor escape on ${event.hostId}`, detail: 'Untrusted code in a guest breaks out to the host and its other guests.' };
    case 'hostFailure':
      return { title: `Host failure: ${event.hostId}`, detail: 'Everything on it is gone. Place it again elsewhere.' };
    case 'patchDay':
      return { title: `${osName(event.os)} patch day`, detail: `Every ${osName(event.os)} kernel must be patched and rebooted, one host at a time.` };
    case 'complianceAudit':
      return { title: 'Compliance audit', detail: 'Regulated data must not share a kernel with untrusted code.' };
    default: {
      const never: never = event;
      return { title: String((never as { type: string }).type), detail: '' };
    }
  }
}
