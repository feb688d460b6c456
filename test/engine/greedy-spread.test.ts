import { describe, expect, it } from 'vitest';
import { runScenario } from '../../shared/engine/index.ts';
import { bareMetal, linuxApp, linuxHost, scenario, windowsApp } from './helpers.ts';

const hostsOf = (s: ReturnType<typeof scenario>, policy: 'greedy' | 'all-container' | 'all-vm', appId: string): string[] => {
  const run = runScenario(s, 1, { policy });
  return run.state.clusters[run.clusterId]!.instances.filter((i) => i.appId === appId).map((i) => i.hostId);
};

describe('the greedy reference spreads replicas over hosts (anti-affinity)', () => {
  const s = scenario({
    hosts: [linuxHost('h1', { memoryGiB: 32 }), linuxHost('h2', { memoryGiB: 32 }), linuxHost('h3', { memoryGiB: 32 })],
    apps: [linuxApp('web', { replicas: 3, imageMiB: 10 }), linuxApp('api', { replicas: 2, imageMiB: 10 })],
    durationS: 60,
  });

  it('puts each replica of an app on a host without one, while there is such a host with room', () => {
    expect(new Set(hostsOf(s, 'greedy', 'web')).size).toBe(3);
    expect(new Set(hostsOf(s, 'greedy', 'api')).size).toBe(2);
  });

  it('leaves the naive references first-fit: everything stacked on the first host', () => {
    expect(hostsOf(s, 'all-container', 'web')).toEqual(['h1', 'h1', 'h1']);
    expect(new Set(hostsOf(s, 'all-vm', 'web'))).toEqual(new Set(['h1']));
  });

  it('stacks only when no other host can take a replica', () => {
    const one = scenario({ hosts: [linuxHost('h1', { memoryGiB: 32 })], apps: [linuxApp('web', { replicas: 3, imageMiB: 10 })], durationS: 60 });
    expect(hostsOf(one, 'greedy', 'web')).toEqual(['h1', 'h1', 'h1']);
  });

  it('gives a Windows app’s shared VM the build its image is made for, so it runs in process isolation', () => {
    const w = scenario({ hosts: [bareMetal('metal', { memoryGiB: 32 })], apps: [windowsApp('reports', { windowsBuild: 17763, imageMiB: 100 })], durationS: 400, allow: { runtimes: ['container', 'vm'], changePlatform: false } });
    const run = runScenario(w, 1, { policy: 'greedy' });
    const c = run.state.clusters[run.clusterId]!;
    const inst = c.instances.find((i) => i.appId === 'reports')!;
    expect(inst.runtime).toBe('container');
    expect(c.vms.find((v) => v.id === inst.vmId)?.windowsBuild).toBe(17763);
  });
});
