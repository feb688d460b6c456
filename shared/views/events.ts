import type { Scenario, ScenarioEvent } from '../engine/types.ts';

/** Scenario time, said to be simulated: at the Classroom pace a simulated minute takes 24 real seconds. */
const fmtDuration = (s: number): string => (s >= 90 ? `${Math.round(s / 60)} simulated min` : `${Math.round(s)} simulated s`);
const osName = (os: 'linux' | 'windows'): string => (os === 'linux' ? 'Linux' : 'Windows');

/** A scenario event as a headline and one line of detail, for banners on every screen. */
export function describeEvent(scenario: Scenario, event: ScenarioEvent): { title: string; detail: string } {
  const app = (id: string) => scenario.apps.find((a) => a.id === id)?.name ?? id;
  // Hosts as the board names them.
  const host = (id: string) => scenario.hosts.find((h) => h.id === id)?.name || id;
  switch (event.type) {
    case 'trafficSpike':
      return { title: `Traffic spike: ${app(event.appId)}`, detail: `Demand ×${event.factor} for ${fmtDuration(event.durationS)}. Can you start capacity fast enough?` };
    case 'noisyNeighbour':
      return { title: `Noisy neighbour: ${app(event.appId)}`, detail: `It burns ×${event.factor} its CPU for ${fmtDuration(event.durationS)}. Who shares its CPUs?` };
    case 'kernelExploit':
      return { title: `${osName(event.os)} kernel exploit`, detail: `Untrusted code can escape to any ${osName(event.os)} kernel it shares.` };
    case 'hypervisorEscape':
      return { title: `Hypervisor escape on ${host(event.hostId)}`, detail: 'Untrusted code in a guest breaks out to the host and its other guests.' };
    case 'hostFailure':
      return { title: `Host failure: ${host(event.hostId)}`, detail: 'Everything running on it is lost; its disks survive the repair. Place it again elsewhere.' };
    case 'patchDay':
      return { title: `${osName(event.os)} patch day`, detail: `Every ${osName(event.os)} kernel must be patched and rebooted, one host at a time.` };
    case 'complianceAudit':
      return { title: 'Compliance audit', detail: 'No kernel that runs untrusted code may reach regulated data: not its own, nor the host kernel under its VM.' };
    case 'dataLoss':
      return { title: `Data loss: ${app(event.appId)}`, detail: 'A bad update or ransomware corrupts its data. What brings it back: a snapshot, a backed-up volume, or nothing?' };
    default: {
      const never: never = event;
      return { title: String((never as { type: string }).type), detail: '' };
    }
  }
}
