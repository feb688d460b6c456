import { describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol/index.ts';
import type { TeacherView } from '../../shared/views/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { EngineVersionError, ROOM_LIMITS, Room } from '../../server/rooms/room.ts';
import { ENGINE_VERSION } from '../../shared/engine/index.ts';
import { REGISTRY_DEFAULTS, RoomRegistry } from '../../server/rooms/registry.ts';
import { InMemoryRoomStore, StoreError, type LogEntry } from '../../server/storage/store.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

const HOST = 'host-token-0123456789';
const CODE = 'HARDEN';
const references = new InlineReferenceRunner();

/** An in-memory store whose appends can be held (a slow store) or refused (one that will not keep). */
class ControlledStore extends InMemoryRoomStore {
  refuse = false;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }
  override async append(code: string, entries: readonly LogEntry[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.refuse) throw new StoreError('store-unavailable', 'the store is not answering');
    return super.append(code, entries);
  }
}

async function makeRoom(scenarioId = 'tutorial') {
  const clock = new FakeClock();
  const transport = new MemoryTransport();
  const store = new ControlledStore();
  const errors: string[] = [];
  const room = await Room.open(
    { code: CODE, hostToken: HOST, mode: 'solo', seed: 3, scenario: getScenario(scenarioId)!, createdAtMs: clock.now() },
    // No "3, 2, 1" here: these tests count ticks from the start (the countdown has its own tests).
    { clock, transport, store, references, countdownS: 0, hooks: { onError: (_code, _error, what) => errors.push(what) } },
  );
  const teacher = async () => ok(await room.attachHost('teacher', 'teacher', HOST));
  const teacherView = () => transport.last('teacher', 'view:teacher') as TeacherView;
  return { room, clock, transport, store, errors, teacher, teacherView };
}

function ok<T extends object>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack;
}
const codeOf = (ack: Ack<object>) => (ack.ok ? 'ok' : ack.error.code);

describe('room hardening: untrusted ids', () => {
  it('answers prototype-ish cluster, player and team ids with a refusal, never a crash', async () => {
    const { room, teacher } = await makeRoom();
    await teacher();
    ok(await room.join('s1', { nickname: 'Ada' }));
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(codeOf(await room.watch('teacher', id))).toBe('bad-request');
      expect(codeOf(await room.kick('teacher', id))).toBe('bad-request');
      for (const action of [
        { type: 'deploy' as const, appId: id, runtime: 'container' as const, target: 'linux-1' },
        { type: 'deploy' as const, appId: 'web', runtime: 'container' as const, target: id },
        { type: 'configureHost' as const, hostId: id, platform: 'hypervisor' as const },
        { type: 'deleteVm' as const, vmId: id },
        { type: 'remove' as const, instanceId: id },
        { type: 'setLimits' as const, instanceId: id, cpu: 1 },
      ]) {
        const ack = await room.act('s1', action);
        expect(ack.ok).toBe(false);
        expect(codeOf(ack)).not.toBe('internal');
      }
    }
    // The room still plays.
    expect(codeOf(await room.act('s1', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }))).toBe('ok');
  });
});

describe('room hardening: an action counts only once it is kept', () => {
  it('refuses with not-saved and changes nothing when the store will not keep it', async () => {
    const { room, store, teacher } = await makeRoom();
    await teacher();
    ok(await room.join('s1', { nickname: 'Ada' }));
    store.refuse = true;
    const before = room.simulation;
    expect(codeOf(await room.act('s1', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }))).toBe('not-saved');
    expect(room.simulation).toBe(before);
    // A teacher's start that was not kept leaves the room in the lobby: no phase without a clock.
    expect(codeOf(await room.command('teacher', { type: 'start' }))).toBe('not-saved');
    expect(room.phase).toBe('lobby');
    expect(codeOf(await room.join('s2', { nickname: 'Grace' }))).toBe('not-saved');
    expect(room.playerCount).toBe(1);
    store.refuse = false;
    expect(codeOf(await room.command('teacher', { type: 'start' }))).toBe('ok');
  });

  it('lets the clock catch up on seconds the store refused, instead of losing them', async () => {
    const { room, clock, store, teacher, errors } = await makeRoom();
    await teacher();
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(1000);
    expect(room.simulation.timeS).toBe(10);
    store.refuse = true;
    await clock.advance(500);
    expect(room.simulation.timeS).toBe(10);
    expect(errors).toContain('keep');
    store.refuse = false;
    await clock.advance(100);
    expect(room.simulation.timeS).toBe(16);
    room.dispose();
  });

  it('keeps playing when the store loses the room, writes its keys again and can be restored from them', async () => {
    const { room, clock, store, teacher } = await makeRoom();
    await teacher();
    ok(await room.join('s1', { nickname: 'Ada' }));
    ok(await room.act('s1', { type: 'deploy', id: 'w1', appId: 'web', runtime: 'container', target: 'linux-1' }));
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(1000);
    await store.deleteRoom(CODE); // FLUSHALL, an eviction, a failover to an empty replica
    await clock.advance(1000);
    expect(room.simulation.timeS).toBe(20);
    expect(room.storeRecreations).toBe(1);
    ok(await room.act('s1', { type: 'deploy', id: 'a1', appId: 'api', runtime: 'container', target: 'linux-2' }));
    const meta = (await store.getRoom(CODE))!;
    const snapshot = (await store.latestSnapshot(CODE))!;
    expect(snapshot.atS).toBe(10);
    const tail = await store.readLog(CODE);
    expect(tail[0]!.seq).toBe(snapshot.seq + 1);
    const restored = Room.restore(meta, tail, { clock, transport: new MemoryTransport(), store, references }, snapshot);
    expect(JSON.stringify(restored.simulation)).toBe(JSON.stringify(room.simulation));
    expect(restored.playerCount).toBe(1);
    room.dispose();
    restored.dispose();
  });
});

describe('room hardening: connection membership', () => {
  it('leaves no seat online for a connection that closed while its join was being kept', async () => {
    const { room, clock, store, teacher, teacherView } = await makeRoom();
    await teacher();
    store.hold();
    const joining = room.join('s1', { nickname: 'Ada' });
    const gone = room.disconnect('s1');
    store.release();
    ok(await joining);
    await gone;
    await clock.advance(50);
    expect(room.hasConnection('s1')).toBe(false);
    expect(room.connectionCounts().student).toBe(0);
    expect(teacherView().roster.map((p) => p.status)).toEqual(['reconnecting']);
  });

  it('frees lobby seats that never did anything once their connection has been gone a while, and keeps the rest', async () => {
    const { room, clock, teacher, teacherView } = await makeRoom();
    await teacher();
    for (let i = 0; i < 3; i++) ok(await room.join(`bot${i}`, { nickname: `Bot ${i}` }));
    ok(await room.join('ada', { nickname: 'Ada' }));
    ok(await room.act('ada', { type: 'ready' }));
    ok(await room.join('grace', { nickname: 'Grace' }));
    for (const c of ['bot0', 'bot1', 'bot2', 'ada']) await room.disconnect(c);
    await clock.advance(ROOM_LIMITS.idleSeatGraceMs - 1000);
    expect(room.playerCount).toBe(5);
    await clock.advance(2000);
    // Ada acted and Grace is still here: both stay; the bots' seats and nicknames are free.
    expect(teacherView().roster.map((p) => p.nickname)).toEqual(['Ada', 'Grace']);
    expect(Object.keys(room.simulation.clusters)).toHaveLength(2);
    ok(await room.join('new', { nickname: 'Bot 0' }));
  });

  it('frees no seat once the game runs', async () => {
    const { room, clock, teacher } = await makeRoom();
    await teacher();
    ok(await room.join('bot', { nickname: 'Bot' }));
    await room.disconnect('bot');
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(ROOM_LIMITS.idleSeatGraceMs + 1000);
    expect(room.playerCount).toBe(1);
    room.dispose();
  });
});

describe('registry hardening: what expires, and sweeps that never reject', () => {
  async function makeRegistry(store = new ControlledStore()) {
    const clock = new FakeClock();
    const errors: string[] = [];
    const registry = new RoomRegistry({ store, clock, transport: new MemoryTransport(), references, onError: (_e, what) => errors.push(what) });
    return { registry, clock, store, errors };
  }

  it('closes a lobby no teacher has been in for a while, but not one the teacher has open', async () => {
    const { registry, clock } = await makeRegistry();
    const abandoned = await registry.create(getScenario('tutorial')!, 'solo');
    const watched = await registry.create(getScenario('tutorial')!, 'solo');
    ok(await watched.room.attachHost('t', 'teacher', watched.hostToken));
    await clock.advance(REGISTRY_DEFAULTS.lobbyWithoutTeacherTtlMs + REGISTRY_DEFAULTS.sweepEveryMs);
    expect(registry.get(abandoned.code)).toBeUndefined();
    expect(registry.get(watched.code)).toBeDefined();
    registry.close();
  });

  it('counts activity, not open sockets: a room held open by an idle connection is closed', async () => {
    const { registry, clock } = await makeRegistry();
    const { code, room, hostToken } = await registry.create(getScenario('tutorial')!, 'solo');
    ok(await room.attachHost('t', 'teacher', hostToken));
    ok(await room.join('idle', { nickname: 'Idle' }));
    await clock.advance(REGISTRY_DEFAULTS.idleTtlMs - REGISTRY_DEFAULTS.sweepEveryMs);
    expect(registry.get(code)).toBeDefined();
    await clock.advance(2 * REGISTRY_DEFAULTS.sweepEveryMs);
    expect(registry.get(code)).toBeUndefined();
    registry.close();
  });

  it('reports a store failure while sweeping instead of rejecting, and tries again next time', async () => {
    class FailingDelete extends ControlledStore {
      failures = 1;
      override async deleteRoom(code: string): Promise<void> {
        if (this.failures-- > 0) throw new StoreError('store-unavailable', 'the store is not answering');
        return super.deleteRoom(code);
      }
    }
    const store = new FailingDelete();
    const { registry, clock, errors } = await makeRegistry(store);
    const { code } = await registry.create(getScenario('tutorial')!, 'solo');
    // The sweep at this very moment is the first to find the lobby abandoned.
    await clock.advance(REGISTRY_DEFAULTS.lobbyWithoutTeacherTtlMs);
    expect(errors).toEqual([`sweeping room ${code}`]);
    expect(registry.get(code)).toBeUndefined();
    expect(await store.getRoom(code)).not.toBeNull();
    await expect(registry.sweep()).resolves.toBeUndefined();
    expect(await store.getRoom(code)).toBeNull();
    registry.close();
  });
});

describe('rooms recorded under other engine rules', () => {
  it('stamps new rooms with the engine version and refuses, by name, to restore a room of another', async () => {
    const clock = new FakeClock();
    const store = new ControlledStore();
    const registry = new RoomRegistry({ store, clock, transport: new MemoryTransport(), references });
    const { code } = await registry.create(getScenario('tutorial')!, 'solo');
    const meta = (await store.getRoom(code))!;
    expect(meta.engineVersion).toBe(ENGINE_VERSION);
    registry.close();
    // A room kept before versions were recorded (engine 1) would replay differently now.
    const { engineVersion: _v, ...old } = meta;
    const deps = { clock, transport: new MemoryTransport(), store, references };
    expect(() => Room.restore(old, [], deps)).toThrow(EngineVersionError);
    expect(() => Room.restore(old, [], deps)).toThrow(`engine version 1, and this server runs engine version ${ENGINE_VERSION}`);
    expect(Room.restore(meta, [], deps).simulation.timeS).toBe(0);
  });
});
