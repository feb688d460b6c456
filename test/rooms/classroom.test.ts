import { describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol/index.ts';
import type { Mode, ProjectorView, StudentView, TeacherView } from '../../shared/views/index.ts';
import { DEFAULT_SPEED } from '../../shared/views/pace.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { nicknameKey } from '../../shared/names/nicknames.ts';
import { ROOM_LIMITS, Room } from '../../server/rooms/room.ts';
import type { RoomMeta } from '../../server/storage/store.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { BROADCAST_TIMING } from '../../server/rooms/broadcaster.ts';
import { MemoryTransport } from '../support/memory-transport.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';

const references = new InlineReferenceRunner();
const HOST = 'host-token-0123456789';
const PROJECTOR = 'projector-token-0123456789';
const CODE = 'PQRSTU';

async function makeRoom(options: { mode?: Mode; speed?: number; teams?: number; countdownS?: number; scenarioId?: string } = {}) {
  const clock = new FakeClock();
  const transport = new MemoryTransport();
  const store = new InMemoryRoomStore();
  const { mode = 'solo', countdownS = ROOM_LIMITS.countdownS } = options;
  const meta: RoomMeta = {
    code: CODE,
    hostToken: HOST,
    projectorToken: PROJECTOR,
    mode,
    ...(options.teams ? { teams: options.teams } : {}),
    seed: 11,
    scenario: getScenario(options.scenarioId ?? 'tutorial')!,
    createdAtMs: clock.now(),
  };
  const deps = { clock, transport, store, references, countdownS };
  const room = await Room.open(meta, deps, { speed: options.speed });
  const teacher = async (conn = 'teacher') => ok(await room.attachHost(conn, 'teacher', HOST));
  const projector = async (conn = 'projector') => ok(await room.attachHost(conn, 'projector', PROJECTOR, 'projector'));
  const join = (conn: string, nickname: string, resumeToken?: string) => room.join(conn, { nickname, resumeToken });
  const header = (conn: string, event: 'view:student' | 'view:teacher' | 'view:projector') => (transport.last(conn, event) as { room: { countdown: number; timeS: number; phase: string } }).room;
  return { room, clock, transport, store, meta, deps, teacher, projector, join, header };
}

function ok<T extends object>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack;
}
const code = (ack: Ack<object>) => (ack.ok ? 'ok' : ack.error.code);

describe('room: pace', () => {
  it('starts at the pace it was created with, keeps it as the log’s first entry, and a restore keeps it', async () => {
    const { room, clock, store, meta, deps, teacher } = await makeRoom({ speed: DEFAULT_SPEED, countdownS: 0 });
    expect(room.simulation.speed).toBe(0.25);
    const log = await store.readLog(CODE);
    expect(log[0]!.action).toEqual({ type: 'setSpeed', speed: 0.25 });
    await teacher();
    ok(await room.command('teacher', { type: 'start' }));
    // 0.25 simulated seconds per 100 ms: 2.5 a real second.
    await clock.advance(2000);
    expect(room.simulation.timeS).toBe(5);
    await room.settled();
    const restored = Room.restore((await store.getRoom(CODE))!, await store.readLog(CODE), { ...deps, transport: new MemoryTransport() });
    expect(restored.simulation.speed).toBe(0.25);
    expect(restored.simulation.timeS).toBe(room.simulation.timeS);
    expect(meta.code).toBe(CODE);
    restored.dispose();
  });

  it('lets the teacher pick the Relaxed pace (0.1) and refuses anything slower', async () => {
    const { room, teacher } = await makeRoom();
    await teacher();
    expect(code(await room.command('teacher', { type: 'setSpeed', speed: 0.1 }))).toBe('ok');
    expect(room.simulation.speed).toBe(0.1);
    expect(code(await room.command('teacher', { type: 'setSpeed', speed: 0.05 }))).toBe('bad-value');
  });
});

describe('room: the countdown before the run', () => {
  it('holds the clock three real seconds after start, telling every screen 3, 2, 1, then ticks', async () => {
    const { room, clock, teacher, projector, join, header } = await makeRoom();
    await teacher();
    await projector();
    ok(await join('s1', 'Ada'));
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(30);
    expect(room.phase).toBe('running');
    for (const [conn, event] of [['s1', 'view:student'], ['teacher', 'view:teacher'], ['projector', 'view:projector']] as const) expect(header(conn, event).countdown).toBe(3);
    // Players may keep planning during the countdown.
    expect(code(await room.act('s1', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }))).toBe('ok');
    await clock.advance(1000);
    expect(header('s1', 'view:student').countdown).toBe(2);
    await clock.advance(1000);
    expect(header('projector', 'view:projector').countdown).toBe(1);
    expect(room.simulation.timeS).toBe(0);
    await clock.advance(1000);
    expect(header('teacher', 'view:teacher').countdown).toBe(0);
    expect(room.simulation.timeS).toBe(0);
    await clock.advance(1000);
    // Speed 1: ten simulated seconds per real second once the countdown is over.
    expect(room.simulation.timeS).toBe(10);
    expect(header('s1', 'view:student').countdown).toBe(0);
  });

  it('stops the countdown on a pause, and counts down afresh on the resume', async () => {
    const { room, clock, teacher, header } = await makeRoom();
    await teacher();
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(1500);
    ok(await room.command('teacher', { type: 'pause' }));
    await clock.advance(5000);
    expect(room.simulation.timeS).toBe(0);
    expect(header('teacher', 'view:teacher')).toMatchObject({ phase: 'paused', countdown: 0 });
    ok(await room.command('teacher', { type: 'resume' }));
    await clock.advance(30);
    expect(header('teacher', 'view:teacher')).toMatchObject({ phase: 'running', countdown: 3 });
    await clock.advance(2900);
    expect(room.simulation.timeS).toBe(0);
    await clock.advance(1100);
    expect(room.simulation.timeS).toBeGreaterThan(0);
    // A pause once the run is under way is an ordinary pause: the resume goes straight on.
    ok(await room.command('teacher', { type: 'pause' }));
    const at = room.simulation.timeS;
    ok(await room.command('teacher', { type: 'resume' }));
    await clock.advance(1000);
    expect(room.simulation.timeS).toBe(at + 10);
  });

  it('ends the countdown when the teacher ends the run during it, leaving no timer behind', async () => {
    const { room, clock, teacher } = await makeRoom();
    await teacher();
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(500);
    ok(await room.command('teacher', { type: 'end' }));
    await clock.advance(5000);
    expect(room.simulation.timeS).toBe(0);
    room.dispose();
    expect(clock.pending).toBe(0);
  });

  it('never counts down again in a room restored mid-run', async () => {
    const { room, clock, store, deps, teacher } = await makeRoom();
    await teacher();
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(4000);
    await room.suspend();
    const transport = new MemoryTransport();
    const restored = Room.restore((await store.getRoom(CODE))!, await store.readLog(CODE), { ...deps, transport });
    const at = restored.simulation.timeS;
    ok(await restored.attachHost('teacher2', 'teacher', HOST));
    await clock.advance(1000);
    expect(restored.simulation.timeS).toBe(at + 10);
    expect((transport.last('teacher2', 'view:teacher') as TeacherView).room.countdown).toBe(0);
    restored.dispose();
  });
});

describe('room: the projector key', () => {
  it('gives the teacher the projector key; a projector opens with it, or with the host token, and gets no key back', async () => {
    const { room, teacher } = await makeRoom();
    const reply = await teacher();
    expect(reply.projectorToken).toBe(PROJECTOR);
    const byKey = ok(await room.attachHost('wall', 'projector', PROJECTOR, 'projector'));
    expect(byKey.role).toBe('projector');
    expect(byKey.projectorToken).toBeNull();
    expect(byKey.replayId).toBeNull();
    expect(ok(await room.attachHost('wall2', 'projector', HOST)).projectorToken).toBeNull();
  });

  it('lets the projector key drive nothing: it is no host token, and every command from a projector is refused', async () => {
    const { room, clock, teacher, projector, join } = await makeRoom();
    await teacher();
    const s1 = ok(await join('s1', 'Ada'));
    await projector('wall');
    expect(code(await room.attachHost('x', 'teacher', PROJECTOR))).toBe('forbidden');
    expect(code(await room.attachHost('y', 'teacher', PROJECTOR, 'projector'))).toBe('forbidden');
    expect(code(await room.attachHost('z', 'projector', 'not-the-key-0000000000', 'projector'))).toBe('forbidden');
    for (const attempt of [
      room.command('wall', { type: 'start' }),
      room.command('wall', { type: 'injectEvent', event: { type: 'hostFailure', hostId: 'linux-1' } }),
      room.command('wall', { type: 'lock', locked: true }),
      room.kick('wall', s1.playerId),
      room.watch('wall', s1.playerId),
      room.balanceTeams('wall', 2),
    ]) {
      expect(code(await attempt)).toBe('forbidden');
    }
    expect(code(await room.act('wall', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }))).toBe('not-joined');
    await clock.advance(100);
    expect(room.phase).toBe('lobby');
    expect(room.simulation.locked).toBe(false);
    expect(room.playerCount).toBe(1);
  });

  it('makes a key for a room recorded before projector keys, on restore', async () => {
    const { store, deps } = await makeRoom();
    const { projectorToken: _none, ...old } = (await store.getRoom(CODE))!;
    const restored = Room.restore(old, await store.readLog(CODE), { ...deps, transport: new MemoryTransport() });
    const key = ok(await restored.attachHost('t', 'teacher', HOST)).projectorToken!;
    expect(key.length).toBeGreaterThanOrEqual(20);
    expect(code(await restored.attachHost('p', 'projector', key, 'projector'))).toBe('ok');
    restored.dispose();
  });
});

describe('room: teams from the start', () => {
  it('makes the teams it was created with, fills the smallest with each newcomer, and lists only teams with members', async () => {
    const { clock, transport, teacher, projector, join } = await makeRoom({ mode: 'teams', teams: 3 });
    await teacher();
    await projector();
    const names = ['Ada', 'Bob', 'Cy', 'Di', 'Ed'];
    for (const [i, n] of names.entries()) ok(await join(`s${i}`, n));
    await clock.advance(50);
    const view = transport.last('teacher', 'view:teacher') as TeacherView;
    const sizes = new Map<string, number>();
    for (const p of view.roster) sizes.set(p.teamId!, (sizes.get(p.teamId!) ?? 0) + 1);
    expect([...sizes.values()].sort()).toEqual([1, 2, 2]);
    expect(view.teams.map((t) => t.id).sort()).toEqual(['team-1', 'team-2', 'team-3']);
    const wall = transport.last('projector', 'view:projector') as ProjectorView;
    expect(wall.mode).toBe('teams');
    expect(wall.teams.map((t) => t.members).sort()).toEqual([1, 2, 2]);
    expect(wall.teams.every((t) => t.rank >= 1 && typeof t.total === 'number' && t.name.endsWith('team'))).toBe(true);
  });

  it('never ranks or projects a team nobody is on (the teacher can still move students into it), and still deals players out when asked', async () => {
    const { room, clock, transport, teacher, projector, join } = await makeRoom({ mode: 'teams' });
    await teacher();
    await projector();
    ok(await join('s1', 'Ada'));
    ok(await join('s2', 'Bob'));
    await clock.advance(BROADCAST_TIMING.hostChangedMs);
    // Four teams exist (the default); two have a member. The teacher's picker offers all four, the standings two.
    const before = transport.last('teacher', 'view:teacher') as TeacherView;
    expect(before.teams).toHaveLength(4);
    expect(before.leaderboard).toHaveLength(2);
    expect((transport.last('projector', 'view:projector') as ProjectorView).teams).toHaveLength(2);
    ok(await room.balanceTeams('teacher', 2));
    ok(await join('s3', 'Cy'));
    await clock.advance(BROADCAST_TIMING.hostChangedMs);
    const view = transport.last('teacher', 'view:teacher') as TeacherView;
    expect(view.teams.map((t) => t.id).sort()).toEqual(['team-1', 'team-2']);
    expect(view.leaderboard).toHaveLength(2);
    expect((transport.last('projector', 'view:projector') as ProjectorView).teams.map((t) => t.members).sort()).toEqual([1, 2]);
    // Newcomers fill the two teams the teacher dealt, not the ones left over.
    ok(await join('s4', 'Di'));
    await clock.advance(BROADCAST_TIMING.hostChangedMs);
    const after = transport.last('teacher', 'view:teacher') as TeacherView;
    expect(after.teams.map((t) => t.id).sort()).toEqual(['team-1', 'team-2']);
    expect(after.roster.filter((p) => p.teamId === 'team-1')).toHaveLength(2);
    expect(after.roster.filter((p) => p.teamId === 'team-2')).toHaveLength(2);
  });
});

describe('room: the projector at the debrief', () => {
  it('shows the class’s most-missed concept and the reference plans once the run is over', async () => {
    const { room, clock, transport, teacher, projector, join } = await makeRoom({ countdownS: 0 });
    await teacher();
    await projector();
    ok(await join('s1', 'Ada'));
    ok(await join('s2', 'Bob'));
    // Two refusals for one idea: a Windows app cannot be a container on a Linux kernel.
    for (const s of ['s1', 's2']) expect(code(await room.act(s, { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' }))).not.toBe('ok');
    await clock.advance(50);
    const during = transport.last('projector', 'view:projector') as ProjectorView;
    expect(during.mostMissed).toBeNull();
    expect(during.references).toBeNull();
    ok(await room.command('teacher', { type: 'setSpeed', speed: 20 }));
    ok(await room.command('teacher', { type: 'start' }));
    await clock.advance(4000);
    expect(room.phase).toBe('debrief');
    await clock.advance(1000);
    const wall = transport.last('projector', 'view:projector') as ProjectorView;
    const teacherConcepts = (transport.last('teacher', 'view:teacher') as TeacherView).concepts;
    expect(wall.mostMissed).toEqual({ concept: teacherConcepts[0]!.concept, count: teacherConcepts[0]!.rejections + teacherConcepts[0]!.incidents });
    expect(wall.mostMissed!.count).toBeGreaterThanOrEqual(2);
    expect(wall.references?.map((r) => r.policy)).toEqual(['all-vm', 'all-container', 'greedy']);
    expect(wall.references).toEqual((transport.last('s1', 'view:student') as StudentView).references);
  });
});

describe('room: a student coming back', () => {
  it('gives the seat to the connection that resumes it at once, and drops the stale one as replaced', async () => {
    const { room, clock, transport, join } = await makeRoom();
    const first = ok(await join('old', 'Ada'));
    await clock.advance(50);
    // The network dropped; the server still holds "old". The phone comes back on a new connection.
    const again = ok(await join('new', 'whatever', first.resumeToken));
    expect(again.playerId).toBe(first.playerId);
    expect(transport.dropped.get('old')?.reason).toBe('replaced');
    expect(code(await room.act('new', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }))).toBe('ok');
    expect(code(await room.act('old', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-2' }))).toBe('not-joined');
    await clock.advance(50);
    expect((transport.last('new', 'view:student') as StudentView).cluster.instances).toHaveLength(1);
    // The stale socket's late disconnect changes nothing for the seat.
    await room.disconnect('old');
    expect(code(await room.act('new', { type: 'deploy', appId: 'api', runtime: 'container', target: 'linux-1' }))).toBe('ok');
  });
});

describe('room: nickname suggestions', () => {
  it('suggests names nobody in the room has, nor was removed under', async () => {
    const { room, join } = await makeRoom();
    // Always the same first draw: once it is taken, the next suggestion must differ.
    const first = room.suggestNickname(() => 0);
    ok(await join('s1', first));
    const second = room.suggestNickname(() => 0);
    expect(nicknameKey(second)).not.toBe(nicknameKey(first));
  });
});
