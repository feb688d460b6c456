import { describe, expect, it } from 'vitest';
import { DEFAULT_PHYSICS, createSimulation } from '../../shared/engine/index.ts';
import { mergePhysics } from '../../shared/engine/physics.ts';
import { all, bareMetal, deploy, instance, linuxApp, linuxHost, running, scenario } from './helpers.ts';

describe('the teaching figures: one table, overridable per scenario', () => {
  it('uses the DOMAIN.md figures by default', () => {
    expect(DEFAULT_PHYSICS.microvmBootS).toBe(0.125);
    expect(DEFAULT_PHYSICS.microvmVmmMiB).toBeLessThanOrEqual(5);
    expect(DEFAULT_PHYSICS.vmBootS.linux).toBeGreaterThanOrEqual(44);
    expect(DEFAULT_PHYSICS.vmBootS.windows).toBeGreaterThanOrEqual(180);
    expect(DEFAULT_PHYSICS.guestOsMiB.windows).toBeGreaterThanOrEqual(512);
    expect(DEFAULT_PHYSICS.type2BootFactor).toBeGreaterThanOrEqual(1.1);
    expect(DEFAULT_PHYSICS.type2BootFactor).toBeLessThanOrEqual(1.2);
    expect(DEFAULT_PHYSICS.cpuOverhead.vmType2).toBeGreaterThan(DEFAULT_PHYSICS.cpuOverhead.vmType1);
    expect(DEFAULT_PHYSICS.containerOverheadMiB).toBeLessThan(DEFAULT_PHYSICS.guestOsMiB.linux);
    // Windows containers: Server Core is "several GB" (S [31]); a utility VM is a small Windows (S [9]: 512 MB) booting in seconds.
    expect(DEFAULT_PHYSICS.windowsBuild).toBe(20348);
    expect(DEFAULT_PHYSICS.serverCoreImageMiB).toBeGreaterThanOrEqual(2048);
    expect(DEFAULT_PHYSICS.hypervIsolation.memoryMiB).toBeGreaterThanOrEqual(512);
    expect(DEFAULT_PHYSICS.hypervIsolation.bootS).toBeGreaterThan(DEFAULT_PHYSICS.containerStartS.windows);
    expect(DEFAULT_PHYSICS.hypervIsolation.bootS).toBeLessThan(DEFAULT_PHYSICS.vmBootS.windows / 10);
  });

  it('scores out of 1000, availability weighing most', () => {
    const w = DEFAULT_PHYSICS.scoreWeights;
    expect(w.availability + w.cost + w.security).toBe(1000);
    expect(w.availability).toBeGreaterThan(w.security + w.cost);
    expect(DEFAULT_PHYSICS.costZeroAtBudgets).toBeGreaterThan(1);
  });

  it('lets a scenario override single figures and keeps the rest', () => {
    const s = scenario({ hosts: [linuxHost('h'), bareMetal('metal')], apps: [linuxApp('a', { imageMiB: 100 })], physics: { vmBootS: { linux: 10 }, imagePullMiBPerS: 50 } });
    const state = all(running(s), [deploy('a', 'vm', 'metal', 'v'), deploy('a', 'container', 'h', 'c')]);
    expect(state.physics.vmBootS).toEqual({ linux: 10, windows: DEFAULT_PHYSICS.vmBootS.windows });
    expect(instance(state, 'v').readyAtS).toBeCloseTo(10 + 100 / 50 + DEFAULT_PHYSICS.containerStartS.linux, 9);
    expect(instance(state, 'c').readyAtS).toBeCloseTo(100 / 50 + DEFAULT_PHYSICS.containerStartS.linux, 9);
  });

  it('never changes the shared defaults when merging overrides', () => {
    const before = JSON.stringify(DEFAULT_PHYSICS);
    const merged = mergePhysics({ vmBootS: { linux: 1 }, cpuOverhead: { container: 0.5 }, demandJitter: 0 });
    merged.guestOsMiB.linux = 1;
    expect(JSON.stringify(DEFAULT_PHYSICS)).toBe(before);
    expect(createSimulation(scenario({ hosts: [linuxHost('h')], apps: [linuxApp('a')] }), 1).physics).toEqual(DEFAULT_PHYSICS);
  });
});
