import { describe, expect, it } from 'vitest';
import type { Ack, JoinReply } from '../../shared/protocol/index.ts';
import type { Mode, StudentView, TeacherView } from '../../shared/views/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { ROOM_LIMITS, Room } from '../../server/rooms/room.ts';
import { buildReport, runScenario } from '../../shared/engine/index.ts';
import { simActionOf } from '../../shared/replay/log.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { BROADCAST_TIMING } from '../../server/rooms/broadcaster.ts';
import { MemoryTransport } from '../support/memory-transport.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';

const references = new InlineReferenceRunner();

const HOST = 'host-token-0123456789';
const CODE = 'ABCDEF';

async function makeRoom(mode: Mode = 'solo', scenarioId = 'tutorial', countdownS = 0) {
  const clock = new FakeClock();
  const transport = new MemoryTransport();
  const store = new InMemoryRoomStore();
  const ended: string[] = [];
  const room = await Room.open(
    { code: CODE, hostToken: HOST, mode, seed: 7, scenario: getScenario(scenarioId)!, createdAtMs: clock.now() },
    // No countdown unless a test is about it: the others count ticks from the start.
    { clock, transport, store, references, countdownS, hooks: { onEnded: (c) => ended.push(c) } },
  );
  const teacher = async (conn = 'teacher') => expectOk(await room.attachHost(conn, 'teacher', HOST));
  const join = async (conn: string, nickname: string, extra: { resumeToken?: string; deviceId?: string } = {}) => room.join(conn, { nickname, ...extra });
  const student = (conn: string) => transport.last(conn, 'view:student') as StudentView;
  const teacherView = (conn = 'teacher') => transport.last(conn, 'view:teacher') as TeacherView;
  return { room, clock, transport, store, ended, teacher, join, student, teacherView };
}

function expectOk<T extends object>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack;
}
function expectError(ack: Ack<object>, code: string): void {
  expect(ack.ok ? 'ok' : ack.error.code).toBe(code);
}

describe('room: joining and roles', () => {
  it('seats a student with a trimmed nickname, a resume token and the room’s static info', async () => {
    const { join } = await makeRoom();
    const reply = expectOk(await join('s1', '  Ada   Lovelace '));
    expect(reply.nickname).toBe('Ada Lovelace');
    expect(reply.resumeToken.length).toBeGreaterThanOrEqual(20);
    expect(reply.room.code).toBe(CODE);
    expect(reply.room.scenario.apps.map((a) => a.id)).toEqual(['web', 'api', 'reports']);
  });

  it('refuses empty, too long, profane and duplicate nicknames, and says why', async () => {
    const { join } = await makeRoom();
    expectError(await join('a', '   '), 'bad-nickname');
    expectError(await join('b', 'x'.repeat(25)), 'bad-nickname');
    expectError(await join('c', 'fuck'), 'bad-nickname');
    expectOk(await join('d', 'Grace'));
    const dup = await join('e', ' grace ');
    expectError(dup, 'nickname-taken');
    expect(!dup.ok && dup.error.message).toMatch(/already called/);
  });

  it('lets only the host token drive the room', async () => {
    const { room, join, teacher } = await makeRoom();
    expectError(await room.attachHost('intruder', 'teacher', 'wrong-token-000000000'), 'forbidden');
    expectOk(await join('s1', 'Ada'));
    for (const attempt of [room.command('s1', { type: 'start' }), room.kick('s1', 'x'), room.watch('s1', null), room.command('s1', { type: 'lock', locked: true })]) {
      expectError(await attempt, 'forbidden');
    }
    expect(room.phase).toBe('lobby');
    await teacher();
    expectOk(await room.command('teacher', { type: 'start' }));
    expect(room.phase).toBe('running');
  });

  it('refuses actions from a connection that has not joined', async () => {
    const { room } = await makeRoom();
    expectError(await room.act('nobody', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }), 'not-joined');
  });
});

describe('room: phases and the clock', () => {
  it('ticks ten simulated seconds per real second at speed 1, none in the lobby or while paused', async () => {
    const { room, clock, teacher } = await makeRoom();
    await teacher();
    await clock.advance(2000);
    expect(room.simulation.timeS).toBe(0);
    expectOk(await room.command('teacher', { type: 'start' }));
    await clock.advance(1000);
    expect(room.simulation.timeS).toBe(10);
    expectOk(await room.command('teacher', { type: 'pause' }));
    await clock.advance(5000);
    expect(room.simulation.timeS).toBe(10);
    expectOk(await room.command('teacher', { type: 'resume' }));
    expectOk(await room.command('teacher', { type: 'setSpeed', speed: 2.5 }));
    await clock.advance(1000);
    expect(room.simulation.timeS).toBe(35);
  });

  it('moves to the debrief at the end of the scenario, computes the references, and stops ticking', async () => {
    const { room, clock, teacher, join, student } = await makeRoom();
    await teacher();
    expectOk(await join('s1', 'Ada'));
    expectOk(await room.command('teacher', { type: 'setSpeed', speed: 20 }));
    expectOk(await room.command('teacher', { type: 'start' }));
    await clock.advance(4000);
    expect(room.phase).toBe('debrief');
    expect(room.simulation.timeS).toBe(600);
    await clock.advance(1000);
    expect(room.simulation.timeS).toBe(600);
    const view = student('s1');
    expect(view.room.phase).toBe('debrief');
    expect(view.references?.map((r) => r.policy)).toEqual(['all-vm', 'all-container', 'greedy']);
  });

  it('reports the end to its registry and leaves no timer running once disposed', async () => {
    const { room, clock, teacher, join, ended } = await makeRoom();
    await teacher();
    expectOk(await join('s1', 'Ada'));
    expectOk(await room.command('teacher', { type: 'start' }));
    await clock.advance(500);
    expectOk(await room.command('teacher', { type: 'end' }));
    expect(ended).toEqual([CODE]);
    room.dispose();
    expect(clock.pending).toBe(0);
  });
});

describe('room: one action at a time, in arrival order', () => {
  it('applies concurrent actions in the order they arrived and logs each before acknowledging it', async () => {
    const { room, join, store } = await makeRoom();
    expectOk(await join('s1', 'Ada'));
    const acks = await Promise.all(['a', 'b', 'c', 'd'].map((id) => room.act('s1', { type: 'deploy', id, appId: 'web', runtime: 'container', target: 'linux-1' })));
    expect(acks.map((a) => (a.ok ? a.id : a.error.code))).toEqual(['a', 'b', 'c', 'd']);
    const log = await store.readLog(CODE);
    expect(log.map((e) => e.action.type)).toEqual(['addCluster', 'room:seat', 'room:act', 'room:act', 'room:act', 'room:act']);
    // Each accepted action is kept with the player who made it.
    expect(log.slice(2).map((e) => simActionOf(e.action))).toEqual(['a', 'b', 'c', 'd'].map((id) => ({ type: 'deploy', id, appId: 'web', runtime: 'container', target: 'linux-1', clusterId: expect.any(String) })));
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('explains a refused action with its concept, changes nothing, and logs it only as a refusal', async () => {
    const { room, join, store } = await makeRoom();
    expectOk(await join('s1', 'Ada'));
    const before = room.simulation;
    const ack = await room.act('s1', { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' });
    expect(ack.ok).toBe(false);
    if (!ack.ok) {
      expect(ack.error.code).toBe('foreign-kernel');
      expect(ack.error.concept).toBe('shared-kernel');
      expect(ack.error.message).toMatch(/Windows/);
    }
    expect(room.simulation).toBe(before);
    const log = await store.readLog(CODE);
    expect(log.map((e) => e.action.type)).toEqual(['addCluster', 'room:seat', 'room:refused']);
    expect(log[2]!.action).toMatchObject({ code: 'foreign-kernel', concept: 'shared-kernel' });
    expect(log.filter((e) => simActionOf(e.action) !== null)).toHaveLength(1);
  });
});

describe('room: views', () => {
  it('sends each student its own cluster, score, rank and the top five', async () => {
    const { room, clock, join, student } = await makeRoom();
    const a = expectOk(await join('s1', 'Ada'));
    expectOk(await join('s2', 'Grace'));
    expectOk(await room.act('s1', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }));
    await clock.advance(50);
    const va = student('s1');
    const vb = student('s2');
    expect(va.you.playerId).toBe(a.playerId);
    expect(va.cluster.instances.map((i) => i.appId)).toEqual(['web']);
    expect(vb.cluster.instances).toEqual([]);
    expect(va.of).toBe(2);
    expect(va.top.length).toBe(2);
    expect(va.cluster.hosts.map((h) => h.id)).toEqual(['linux-1', 'linux-2', 'windows-1']);
  });

  it('keeps a student’s update the same size however big the class', async () => {
    const sizes: number[] = [];
    for (const n of [5, 60]) {
      const { room, clock, join, student, teacher } = await makeRoom();
      await teacher();
      for (let i = 0; i < n; i++) expectOk(await join(`s${i}`, `Student ${String(i).padStart(2, '0')}`));
      expectOk(await room.act('s0', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }));
      expectOk(await room.command('teacher', { type: 'start' }));
      await clock.advance(1000);
      sizes.push(JSON.stringify(student('s0')).length);
      room.dispose();
    }
    expect(Math.abs(sizes[1]! - sizes[0]!)).toBeLessThan(200);
  });

  it('does not resend a view that has not changed', async () => {
    const { room, clock, join, transport } = await makeRoom();
    expectOk(await join('s1', 'Ada'));
    await clock.advance(50);
    const sent = transport.count('s1', 'view:student');
    room.flush();
    room.flush();
    expect(transport.count('s1', 'view:student')).toBe(sent);
  });

  it('gives the teacher the roster, the leaderboard, how the class placed each app and the concepts it missed', async () => {
    const { room, clock, join, teacher, teacherView } = await makeRoom();
    await teacher();
    expectOk(await join('s1', 'Ada'));
    expectOk(await join('s2', 'Grace'));
    expectOk(await room.act('s1', { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' }));
    expectOk(await room.act('s2', { type: 'deploy', appId: 'web', runtime: 'vm', target: 'linux-2' }));
    await room.act('s2', { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' });
    await clock.advance(50);
    const view = teacherView();
    expect(view.roster.map((p) => [p.nickname, p.status])).toEqual([
      ['Ada', 'online'],
      ['Grace', 'online'],
    ]);
    expect(view.leaderboard).toHaveLength(2);
    expect(view.placements.find((p) => p.appId === 'web')).toEqual({ appId: 'web', container: 1, vm: 1, microvm: 0, unplaced: 0 });
    expect(view.placements.find((p) => p.appId === 'reports')!.unplaced).toBe(2);
    expect(view.concepts.find((c) => c.concept === 'shared-kernel')).toEqual({ concept: 'shared-kernel', rejections: 1, incidents: 0 });
  });

  it('ranks a class that joined all at once on the teacher’s board within a second and a half, with no other change to bring it', async () => {
    const { clock, join, teacher, teacherView } = await makeRoom();
    await teacher();
    for (const name of ['Ada', 'Bob']) expectOk(await join(`s-${name}`, name));
    // The first views go out; two more join just after, while the standings are still the old ones.
    await clock.advance(20);
    for (const name of ['Cy', 'Di']) expectOk(await join(`s-${name}`, name));
    await clock.advance(BROADCAST_TIMING.hostChangedMs);
    expect(teacherView().roster).toHaveLength(4);
    // The standings follow within half a second, and the teacher's board with its next update.
    await clock.advance(BROADCAST_TIMING.standingsMs + BROADCAST_TIMING.hostMs);
    expect(teacherView().roster).toHaveLength(4);
    expect(teacherView().leaderboard).toHaveLength(4);
  });

  it('shows the teacher a refused placement’s concept within a quarter of a second, with nothing else happening', async () => {
    const { room, clock, join, teacher, teacherView } = await makeRoom();
    await teacher();
    expectOk(await join('s1', 'Ada'));
    await clock.advance(50);
    expect(teacherView().concepts).toEqual([]);
    await room.act('s1', { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' });
    await clock.advance(BROADCAST_TIMING.hostChangedMs);
    expect(teacherView().concepts).toEqual([{ concept: 'shared-kernel', rejections: 1, incidents: 0 }]);
  });

  it('compares an early end with the reference policies over the same seconds', async () => {
    const { room, clock, join, teacher, student } = await makeRoom();
    await teacher();
    expectOk(await join('s1', 'Ada'));
    expectOk(await room.command('teacher', { type: 'start' }));
    await clock.advance(10_000);
    expectOk(await room.command('teacher', { type: 'end' }));
    const played = room.simulation.timeS;
    expect(played).toBe(100);
    // The references reach each student with their next own update, within a second.
    await clock.advance(BROADCAST_TIMING.ambientMs);
    const scenario = getScenario('tutorial')!;
    const short = { ...scenario, durationS: played, events: scenario.events.filter((e) => e.atS < played) };
    const expected = (['all-vm', 'all-container', 'greedy'] as const).map((policy) => {
      const run = runScenario(short, 7, { policy });
      return buildReport(run.state, run.clusterId, run.rejections).score.total;
    });
    expect(student('s1').references?.map((r) => r.total)).toEqual(expected);
  });

  it('streams any one cluster to the teacher on request', async () => {
    const { room, clock, join, teacher, transport } = await makeRoom();
    await teacher();
    const ada = expectOk(await join('s1', 'Ada'));
    const watched = expectOk(await room.watch('teacher', ada.playerId));
    expect(watched.cluster?.cluster.id).toBe(ada.playerId);
    expectOk(await room.act('s1', { type: 'deploy', appId: 'api', runtime: 'container', target: 'linux-2' }));
    await clock.advance(50);
    expect(transport.last('teacher', 'view:cluster')?.cluster.instances.map((i) => i.appId)).toEqual(['api']);
    expectError(await room.watch('teacher', 'nobody'), 'bad-request');
  });
});

describe('room: reconnection, kicks and locks', () => {
  it('brings a refreshed student back to the same seat, cluster and score; the teacher sees them reconnecting meanwhile', async () => {
    const { room, clock, join, teacher, teacherView, student } = await makeRoom();
    await teacher();
    const first = expectOk(await join('tab-1', 'Ada'));
    expectOk(await room.act('tab-1', { type: 'deploy', id: 'mine', appId: 'web', runtime: 'container', target: 'linux-1' }));
    room.disconnect('tab-1');
    await clock.advance(BROADCAST_TIMING.hostChangedMs);
    expect(teacherView().roster[0]!.status).toBe('reconnecting');
    await clock.advance(ROOM_LIMITS.reconnectGraceMs);
    expect(teacherView().roster[0]!.status).toBe('offline');
    const again = expectOk(await join('tab-2', 'whatever', { resumeToken: first.resumeToken }));
    expect(again.playerId).toBe(first.playerId);
    expect(again.nickname).toBe('Ada');
    await clock.advance(BROADCAST_TIMING.hostChangedMs);
    expect(student('tab-2').cluster.instances.map((i) => i.id)).toEqual(['mine']);
    expect(teacherView().roster[0]!.status).toBe('online');
    expect(room.playerCount).toBe(1);
  });

  it('keeps a kicked student out: the same seat, device and nickname are all refused after a refresh', async () => {
    const { room, clock, join, teacher, transport, teacherView } = await makeRoom();
    await teacher();
    const mallory = expectOk(await join('m1', 'Mallory', { deviceId: 'device-mallory-0001' }));
    expectOk(await room.kick('teacher', mallory.playerId));
    expect(transport.dropped.get('m1')?.reason).toBe('kicked');
    expectError(await join('m2', 'Mallory', { resumeToken: mallory.resumeToken }), 'banned');
    expectError(await join('m3', 'Someone Else', { deviceId: 'device-mallory-0001' }), 'banned');
    expectError(await join('m4', 'mallory'), 'banned');
    expectError(await room.act('m1', { type: 'ready' }), 'not-joined');
    await clock.advance(50);
    expect(teacherView().roster).toEqual([]);
    expect(teacherView().banned).toBe(1);
    expect(room.simulation.clusters[mallory.playerId]!.kicked).toBe(true);
  });

  it('lets nobody new join a locked room but lets its players come back; late joiners are welcome otherwise', async () => {
    const { room, clock, join, teacher } = await makeRoom();
    await teacher();
    const ada = expectOk(await join('s1', 'Ada'));
    expectOk(await room.command('teacher', { type: 'start' }));
    await clock.advance(1000);
    const late = expectOk(await join('s2', 'Latecomer'));
    expect(room.simulation.clusters[late.playerId]!.tally.ticks).toBe(room.simulation.timeS);
    expectOk(await room.command('teacher', { type: 'lock', locked: true }));
    expectError(await join('s3', 'Too Late'), 'room-locked');
    expectOk(await join('s4', 'Ada', { resumeToken: ada.resumeToken }));
  });

  it('refuses new players once the session is over', async () => {
    const { room, join, teacher } = await makeRoom();
    await teacher();
    expectOk(await room.command('teacher', { type: 'end' }));
    expectError(await join('s1', 'Ada'), 'room-ended');
  });
});

describe('room: teams', () => {
  it('balances joiners over the teams and lets team members act on one shared cluster', async () => {
    const { room, clock, join, teacher, student, teacherView } = await makeRoom('teams');
    await teacher();
    const joined: JoinReply[] = [];
    for (const [i, name] of ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger'].entries()) joined.push(expectOk(await join(`s${i}`, name)));
    await clock.advance(50);
    const teams = teacherView().roster.map((p) => p.teamId);
    expect(teams).toEqual(['team-1', 'team-2', 'team-3', 'team-4', 'team-1']);
    expectOk(await room.act('s0', { type: 'deploy', id: 'shared-web', appId: 'web', runtime: 'container', target: 'linux-1' }));
    await clock.advance(50);
    expect(student('s4').cluster.instances.map((i) => i.id)).toEqual(['shared-web']);
    expect(student('s4').you.teamName).toBe('Red team');
    expect(student('s1').cluster.instances).toEqual([]);
  });

  it('lets the teacher move a player and deal everyone into fewer teams', async () => {
    const { room, clock, join, teacher, teacherView } = await makeRoom('teams');
    await teacher();
    const players: JoinReply[] = [];
    for (const [i, name] of ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger'].entries()) players.push(expectOk(await join(`s${i}`, name)));
    expectOk(await room.assignTeam('teacher', players[1]!.playerId, 'team-3'));
    await clock.advance(50);
    expect(teacherView().roster.find((p) => p.playerId === players[1]!.playerId)!.teamId).toBe('team-3');
    expectOk(await room.balanceTeams('teacher', 2));
    await clock.advance(50);
    expect(teacherView().roster.map((p) => p.teamId)).toEqual(['team-1', 'team-2', 'team-1', 'team-2', 'team-1']);
    // Teams left without members are no longer contenders.
    expect(teacherView().leaderboard.map((r) => r.clusterId).sort()).toEqual(['team-1', 'team-2']);
    expect(teacherView().placements.find((p) => p.appId === 'web')!.unplaced).toBe(2);
    expectError(await room.assignTeam('teacher', players[0]!.playerId, 'team-99'), 'bad-request');
  });
});

describe('room: rebuilt from its log', () => {
  async function played(mode: Mode) {
    const made = await makeRoom(mode);
    const { room, clock, join, teacher } = made;
    await teacher();
    const ada = expectOk(await join('s1', 'Ada', { deviceId: 'device-ada-0000001' }));
    const grace = expectOk(await join('s2', 'Grace'));
    const mallory = expectOk(await join('s3', 'Mallory', { deviceId: 'device-mal-0000001' }));
    expectOk(await room.act('s1', { type: 'deploy', id: 'w1', appId: 'web', runtime: 'container', target: 'linux-1' }));
    await room.act('s2', { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' });
    expectOk(await room.act('s2', { type: 'createVm', id: 'v1', hostId: 'windows-1', guestOs: 'windows', vcpu: 2, memoryMiB: 4096, containerEngine: true }));
    if (mode === 'teams') expectOk(await room.balanceTeams('teacher', 5));
    expectOk(await room.command('teacher', { type: 'start' }));
    await clock.advance(3000);
    expectOk(await room.kick('teacher', mallory.playerId));
    expectOk(await room.command('teacher', { type: 'injectEvent', event: { type: 'kernelExploit', os: 'linux' } }));
    await clock.advance(2000);
    return { ...made, ada, grace, mallory };
  }

  for (const mode of ['solo', 'teams'] as const) {
    it(`gives back the same simulation, roster, teams, bans and tallies (${mode})`, async () => {
      const { room, store, clock, ada, mallory } = await played(mode);
      const meta = (await store.getRoom(CODE))!;
      const log = await store.readLog(CODE);
      const transport = new MemoryTransport();
      const restored = Room.restore(meta, log, { clock, transport, store, references });
      expect(JSON.stringify(restored.simulation)).toBe(JSON.stringify(room.simulation));
      expect(restored.playerCount).toBe(room.playerCount);
      room.dispose();
      // The restored room serves the same people: the teacher's roster and concepts match.
      expectOk(await restored.attachHost('t2', 'teacher', HOST));
      await clock.advance(50);
      const t2 = transport.last('t2', 'view:teacher') as TeacherView;
      expect(t2.roster.map((p) => [p.nickname, p.teamId])).toEqual(mode === 'solo' ? [['Ada', null], ['Grace', null]] : [['Ada', 'team-1'], ['Grace', 'team-2']]);
      expect(t2.concepts.find((c) => c.concept === 'shared-kernel')?.rejections).toBe(1);
      expect(t2.banned).toBe(1);
      // Seats come back by resume token; the banned stay out.
      const back = expectOk(await restored.join('again', { nickname: '', resumeToken: ada.resumeToken }));
      expect(back.playerId).toBe(ada.playerId);
      expectError(await restored.join('m', { nickname: 'Someone', deviceId: 'device-mal-0000001' }), 'banned');
      expectError(await restored.join('m2', { nickname: '', resumeToken: mallory.resumeToken }), 'banned');
      restored.dispose();
    });
  }

  it('resumes the clock where the log ends, with no jump, and keeps logging after it', async () => {
    const { room, store, clock } = await played('solo');
    const meta = (await store.getRoom(CODE))!;
    const log = await store.readLog(CODE);
    const at = room.simulation.timeS;
    room.dispose();
    const restored = Room.restore(meta, log, { clock, transport: new MemoryTransport(), store, references });
    expect(restored.simulation.timeS).toBe(at);
    expect(restored.phase).toBe('running');
    await clock.advance(1000);
    expect(restored.simulation.timeS).toBe(at + 10);
    const seqs = (await store.readLog(CODE)).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    restored.dispose();
    expect(clock.pending).toBe(0);
  });

  it('restores from its latest snapshot and the log after it to the same room as from the whole log', async () => {
    const { room, store, clock } = await played('teams');
    await clock.advance(3000);
    const at = room.simulation.timeS;
    expect(at).toBeGreaterThan(ROOM_LIMITS.snapshotEveryS);
    const snapshot = (await store.latestSnapshot(CODE))!;
    expect(snapshot.atS).toBe(ROOM_LIMITS.snapshotEveryS);
    const meta = (await store.getRoom(CODE))!;
    room.dispose();
    const whole = Room.restore(meta, await store.readLog(CODE), { clock, transport: new MemoryTransport(), store, references });
    const tail = await store.readLog(CODE, snapshot.seq + 1);
    expect(tail.length).toBeLessThan((await store.readLog(CODE)).length);
    const transport = new MemoryTransport();
    const quick = Room.restore(meta, tail, { clock, transport, store, references }, snapshot);
    expect(JSON.stringify(quick.simulation)).toBe(JSON.stringify(whole.simulation));
    expect(quick.simulation.timeS).toBe(at);
    expect(quick.playerCount).toBe(whole.playerCount);
    expectOk(await quick.attachHost('t', 'teacher', HOST));
    await clock.advance(50);
    const view = transport.last('t', 'view:teacher') as TeacherView;
    expect(view.roster.map((p) => p.nickname)).toEqual(['Ada', 'Grace']);
    expect(view.banned).toBe(1);
    expect(view.concepts.find((c) => c.concept === 'shared-kernel')?.rejections).toBe(1);
    expectError(await quick.join('m', { nickname: 'Mallory' }), 'banned');
    whole.dispose();
    quick.dispose();
  });
});
