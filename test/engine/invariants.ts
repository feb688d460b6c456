import type { SimState, StepResult, Action } from '../../shared/engine/index.ts';
import { CONCEPTS, computeScore, findApp, hostUsage, kernelOf, vmUsage } from '../../shared/engine/index.ts';

const EPS = 1e-9;
const MAX_SCORE = 1000;

/**
 * Everything that must hold of any reachable state, whatever the players did. Returns the broken
 * invariants as readable lines (empty when all hold), so a failing property names what broke.
 */
export function brokenInvariants(state: SimState): string[] {
  const out: string[] = [];
  const { scenario, physics } = state;
  const weights = physics.scoreWeights;
  const maxScore = Math.min(MAX_SCORE, weights.availability + weights.cost + weights.security);
  for (const id of state.clusterOrder) {
    const c = state.clusters[id];
    if (!c) {
      out.push(`${id}: in clusterOrder but missing`);
      continue;
    }
    const where = (what: string) => `${id}/${what}`;
    for (const host of c.hosts) {
      const u = hostUsage(scenario, physics, c, host);
      // A small host can have less than its OS reserves (memoryMiB < 0): then nothing may be placed.
      if (u.usedMiB > Math.max(0, u.memoryMiB) + EPS) out.push(where(`${host.id}: memory over-committed, ${u.usedMiB} MiB of ${u.memoryMiB}`));
      // vCPUs are overcommitted, but only up to the hypervisor's allowance.
      if (u.committedCpu > u.cpu + EPS) out.push(where(`${host.id}: vCPUs past the overcommit allowance, ${u.committedCpu} cores' worth of ${u.cpu}`));
    }
    for (const vm of c.vms) {
      const host = c.hosts.find((h) => h.id === vm.hostId);
      if (!host) out.push(where(`VM ${vm.id} on unknown host ${vm.hostId}`));
      const u = vmUsage(scenario, physics, c, vm);
      if (u.usedMiB > u.memoryMiB + EPS) out.push(where(`VM ${vm.id}: ${u.usedMiB} MiB used of ${u.memoryMiB} left after its guest OS`));
      if (vm.dedicatedTo !== null && !c.instances.some((i) => i.id === vm.dedicatedTo && i.vmId === vm.id)) out.push(where(`VM ${vm.id} dedicated to a missing instance`));
    }
    const ids = new Set<string>();
    for (const inst of c.instances) {
      if (ids.has(inst.id)) out.push(where(`duplicate instance id ${inst.id}`));
      ids.add(inst.id);
      const app = findApp(scenario, inst.appId);
      const host = c.hosts.find((h) => h.id === inst.hostId);
      if (!app || !host) {
        out.push(where(`${inst.id}: unknown app or host`));
        continue;
      }
      const vm = inst.vmId ? c.vms.find((v) => v.id === inst.vmId) : undefined;
      if (inst.vmId && (!vm || vm.hostId !== inst.hostId)) out.push(where(`${inst.id}: its VM ${inst.vmId} is missing or on another host`));
      if (!(inst.readyAtS >= inst.createdAtS) || !(inst.upAtS >= inst.readyAtS)) out.push(where(`${inst.id}: times out of order`));
      const kernel = kernelOf(c, inst);
      switch (inst.runtime) {
        case 'container':
          if (app.needsCustomKernel) out.push(where(`${inst.id}: ${app.id} needs its own kernel but is a container`));
          if (kernel.os !== app.os) out.push(where(`${inst.id}: ${app.os} container on a ${kernel.os} kernel`));
          if (!inst.vmId && host.platform === 'hypervisor') out.push(where(`${inst.id}: container directly on a bare-metal hypervisor`));
          if (!inst.vmId && host.platform !== app.os) out.push(where(`${inst.id}: container on a ${host.platform} host`));
          if (vm && !vm.containerEngine) out.push(where(`${inst.id}: container in a VM without an engine`));
          if (app.os === 'windows') {
            // Windows containers: an image of the kernel's build in process isolation; a utility VM of its own build or older on a host with VT-x/AMD-V.
            const kernelBuild = vm ? (vm.windowsBuild ?? physics.windowsBuild) : (scenario.hosts.find((h) => h.id === host.id)?.windowsBuild ?? physics.windowsBuild);
            const image = app.windowsBuild ?? kernelBuild;
            if (image < 14393 || kernelBuild < 14393) out.push(where(`${inst.id}: a Windows container on build ${kernelBuild} from an image of build ${image}, older than Windows containers`));
            if (inst.isolation === 'hyperv') {
              if (vm || !host.kvm || image > kernelBuild) out.push(where(`${inst.id}: Hyper-V isolation where it cannot run`));
            } else if (image !== kernelBuild) out.push(where(`${inst.id}: process isolation across Windows builds ${image} and ${kernelBuild}`));
          } else if (inst.isolation) out.push(where(`${inst.id}: a Linux container with Windows isolation`));
          break;
        case 'microvm':
          if (app.os !== 'linux' || !host.kvm || host.platform === 'windows' || inst.vmId) out.push(where(`${inst.id}: microVM where none can run`));
          break;
        case 'vm':
          if (!vm || vm.dedicatedTo !== inst.id || vm.guestOs !== app.os) out.push(where(`${inst.id}: VM instance without its own VM`));
          break;
      }
    }
    const { tally } = c;
    if (tally.ticks < 0 || tally.served.some((x) => !(x >= 0 && x <= tally.ticks + EPS))) out.push(where('served more than the seconds elapsed'));
    // Lost data undoes work that was served, never more.
    if (tally.undone.some((x, i) => !(x >= 0 && x <= tally.served[i]! + EPS))) out.push(where(`undone more than was served: ${tally.undone.join(', ')}`));
    if (!(tally.storage >= 0 && Number.isFinite(tally.storage))) out.push(where(`storage spend ${tally.storage}`));
    for (const vm of c.vms) {
      const kept = c.snapshots.filter((s) => s.vmId === vm.id && s.vmCreatedAtS === vm.createdAtS);
      if (kept.length > physics.snapshotsPerVm) out.push(where(`VM ${vm.id} keeps ${kept.length} snapshots`));
      if (kept.some((s) => s.hostId !== vm.hostId)) out.push(where(`VM ${vm.id}: a snapshot left behind on another host`));
    }
    if (new Set(c.volumes.map((v) => v.instanceId)).size !== c.volumes.length) out.push(where('an instance with two volumes'));
    for (const v of c.volumes) {
      const inst = c.instances.find((i) => i.id === v.instanceId);
      if (inst && inst.runtime === 'vm') out.push(where(`a volume on VM instance ${inst.id}`));
    }
    const score = computeScore(state, c);
    const numbers = [score.total, score.availability, score.cost, score.security, score.served, score.spend, score.budget, ...score.apps.map((a) => a.points), ...score.incidents.map((i) => i.points)];
    if (!numbers.every(Number.isFinite)) out.push(where(`a score number is not finite: ${JSON.stringify(score)}`));
    for (const [name, value] of Object.entries({ total: score.total, availability: score.availability, cost: score.cost, security: score.security })) {
      if (value < 0 || value > maxScore + EPS) out.push(where(`score ${name} ${value} out of [0, ${maxScore}]`));
    }
    if (Math.abs(score.total - score.availability - score.cost - score.security) > 1e-6) out.push(where('total is not the sum of its parts'));
    if (Math.abs(score.apps.reduce((sum, a) => sum + a.points, 0) - score.availability) > 1e-6) out.push(where('per-app points do not sum to availability'));
    for (const inc of c.incidents) if (!(CONCEPTS as readonly string[]).includes(inc.concept)) out.push(where(`incident with unknown concept ${inc.concept}`));
  }
  return out;
}

/** What must hold of every step: a refusal changes nothing and gives a reason with a known concept. */
export function brokenStep(before: SimState, action: Action, result: StepResult): string[] {
  const out: string[] = [];
  if (result.rejection) {
    if (result.state !== before) out.push(`${action.type} was refused (${result.rejection.code}) but the state changed`);
    const { concept, message, code } = result.rejection;
    if (concept !== null && !(CONCEPTS as readonly string[]).includes(concept)) out.push(`${code}: unknown concept ${concept}`);
    if (typeof message !== 'string' || message.trim().length < 10) out.push(`${code}: no readable reason`);
  }
  return out;
}
