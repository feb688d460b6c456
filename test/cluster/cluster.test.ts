import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, eventually, until } from '../integration/helpers.ts';
import { simPerRealSecond } from '../../shared/views/pace.ts';
import { deploy, deployIds, eventuallyAsync, ticksIn, TestCluster, TestStudent, TestTeacher, type ServerProcess } from '../support/cluster.ts';

/*
 * Several real server processes on one real redis-server, with the real nginx in front
 * (docs/SCALING.md): each room runs in the one process holding its lease, every other process
 * forwards to it, and another takes it over when it dies. One cluster for the file, a fresh room
 * per test. Rooms run at speed 0.25 (2.5 simulated seconds a real second) so a tutorial lasts
 * four minutes: no room ends under a test.
 */
const SPEED = 0.25;
/** Simulated seconds in one real second: how far apart two screens' clocks may be while it runs. */
const ONE_SECOND = simPerRealSecond(SPEED);

let cluster: TestCluster;
/** Clients a test opened: closed after it, pass or fail. */
let clients: { close(): void }[] = [];
const track = <T extends { close(): void }>(client: T): T => (clients.push(client), client);

beforeAll(async () => {
  cluster = await TestCluster.start(3);
}, 60_000);

afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
});

afterAll(async () => {
  await cluster?.stop();
}, 30_000);

/** Runs a check; on failure, adds what the processes said to the error. */
async function withLogs<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const err = error as Error;
    err.message += `\n--- what the processes logged (warn and above) ---\n${cluster.output.slice(-6000) || '(nothing)'}`;
    throw err;
  }
}

const student = (urls: string | readonly string[], code: string, nickname: string, lb = false) => track(new TestStudent(typeof urls === 'string' ? [urls] : urls, code, nickname, { lb }));
const teacher = (url: string, code: string, hostToken: string) => track(new TestTeacher(url, code, hostToken));

async function newRoom(on: ServerProcess | string) {
  const base = typeof on === 'string' ? on : on.url;
  return createRoom(base, { scenarioId: 'tutorial', mode: 'solo', speed: SPEED });
}

/** Every student in its seat on the connection it has now (as the browser shows a board only then). */
const allSeated = (students: readonly TestStudent[]) =>
  expect(
    students.filter((s) => !s.seated).map((s) => s.nickname),
    students.map((s) => `${s.nickname}: joins ${s.joins}, disconnects ${s.disconnects}, sockets ${s.socketIds.join(' ')}`).join('\n'),
  ).toEqual([]);

/** Every ack ok; a refusal's message is shown. */
function expectOk(acks: readonly { ok: boolean; error?: unknown }[]): void {
  expect(acks.filter((a) => !a.ok)).toEqual([]);
}

/** Each student acts at once; every ack must be ok (a refusal is shown with the student's name). */
async function allAct(students: readonly TestStudent[], action: (s: TestStudent) => Parameters<TestStudent['act']>[0]): Promise<void> {
  const acks = await Promise.all(students.map(async (s) => ({ s, ack: await s.act(action(s)) })));
  const refused = acks.filter((a) => !a.ack.ok);
  expect(
    refused.map(({ s, ack }) => ({ student: s.nickname, ack })),
    refused.map(({ s }) => `${s.nickname}: joins ${s.joins}, disconnects ${s.disconnects}, sockets ${s.socketIds.join(' ')}; ${s.clockTrail.join(', ')}`).join('\n'),
  ).toEqual([]);
}

describe('several processes on one Redis, behind nginx', () => {
  it('students of one room on three processes (and through nginx) see the same state, driven by a teacher on another', () =>
    withLogs(async () => {
      const [p0, p1, p2] = cluster.procs as [ServerProcess, ServerProcess, ServerProcess];
      const { code, hostToken } = await newRoom(p2);
      expect((await cluster.owner(code))?.index).toBe(2);
      const host = teacher(p1.url, code, hostToken);
      const students = [
        ...[p0, p1, p2].flatMap((p) => [student(p.url, code, `d${p.index}a`), student(p.url, code, `d${p.index}b`)]),
        ...[0, 1, 2].map((i) => student(cluster.lb, code, `lb${i}`, true)),
      ];
      await eventually(() => (expect(host.hosted).toBe(1), allSeated(students)), 10_000);
      // Each deploys onto its own cluster (through whichever process it is on).
      expectOk(await Promise.all(students.map((s) => s.act(deploy(`app-${s.nickname}`)))));
      expectOk([await host.control('start')]);
      const spike = { type: 'trafficSpike', appId: 'web', factor: 2, durationS: 60 } as const;
      await eventually(() => expect(students.every((s) => s.view!.room.phase === 'running' && s.view!.room.timeS > 0)).toBe(true), 10_000);
      expectOk([await host.socket.timeout(10_000).emitWithAck('host:inject', { event: spike })]);
      await eventually(() => {
        for (const s of students) expect(s.view!.banners.some((b) => b.source === 'teacher' && b.type === 'trafficSpike')).toBe(true);
        const clocks = students.map((s) => s.view!.room.timeS);
        expect(Math.max(...clocks) - Math.min(...clocks)).toBeLessThanOrEqual(ONE_SECOND);
      }, 10_000);
      // Paused, every screen shows the very same room.
      expectOk([await host.control('pause')]);
      await eventually(() => {
        const first = students[0]!.view!;
        expect(first.room.phase).toBe('paused');
        for (const s of students) {
          expect(s.view!.room.phase).toBe('paused');
          expect(s.view!.room.timeS).toBe(first.room.timeS);
          expect(s.view!.top).toEqual(first.top);
          expect(s.view!.of).toBe(students.length);
        }
      }, 10_000);
      expect(students[0]!.view!.top.length).toBeGreaterThan(0);
      // Each sees its own cluster: a seat of its own, with only its own deploy on it.
      const clusters = new Set(students.map((s) => s.view!.you.clusterId));
      expect(clusters.size).toBe(students.length);
      for (const s of students) {
        expect(s.view!.you.nickname).toBe(s.nickname);
        expect(s.view!.cluster.id).toBe(s.view!.you.clusterId);
        expect(s.instanceIds()).toEqual([`app-${s.nickname}`]);
      }
      // The room ran in one process only; the others forwarded to it.
      const metrics = await Promise.all(cluster.procs.map((p) => p.metrics()));
      expect(metrics[0]!.clusterclass_forwarded_messages_total).toBeGreaterThan(0);
      expect(metrics[1]!.clusterclass_forwarded_messages_total).toBeGreaterThan(0);
    }), 60_000);

  it('a burst of actions sent to a non-owner is applied once each, in order', () =>
    withLogs(async () => {
      const [, p1, p2] = cluster.procs as [ServerProcess, ServerProcess, ServerProcess];
      const { code } = await newRoom(p1);
      expect((await cluster.owner(code))?.index).toBe(1);
      const s = student(p2.url, code, 'burst');
      await eventually(() => allSeated([s]), 10_000);
      const ids = Array.from({ length: 12 }, (_, k) => `b${String(k).padStart(2, '0')}`);
      // Fired without waiting: the forwarder must keep them in order and apply each once.
      const acks = await Promise.all(ids.map((id, k) => s.act(deploy(id, k % 2 ? 'linux-2' : 'linux-1'))));
      expectOk(acks);
      expect(acks.map((a) => (a as { id?: string }).id)).toEqual(ids);
      await eventually(() => expect(s.instanceIds()).toEqual(ids), 5000);
      await eventuallyAsync(async () => expect(deployIds(await cluster.readLog(code))).toEqual(ids), 5000);
      expect(s.disconnects).toBe(0);
    }), 60_000);

  it('SIGKILL of the owner: another process takes over within seconds, every student is back in their seat, nothing acked is lost', () =>
    withLogs(async () => {
      const [p0, p1, p2] = cluster.procs as [ServerProcess, ServerProcess, ServerProcess];
      // The earlier rooms run on p1 and p2: p0 owns only this one.
      const { code, hostToken } = await newRoom(p0);
      expect((await cluster.owner(code))?.index).toBe(0);
      expect((await p0.metrics()).clusterclass_rooms_owned).toBe(1);
      const host = teacher(p1.url, code, hostToken);
      const everywhere = (p: ServerProcess) => [p.url, ...cluster.procs.filter((q) => q !== p).map((q) => q.url)];
      const onDead = [student(everywhere(p0), code, 'dead-a'), student(everywhere(p0), code, 'dead-b')];
      const onSurvivors = [p1, p2].flatMap((p) => [student(p.url, code, `live${p.index}a`), student(p.url, code, `live${p.index}b`)]);
      const viaLb = [0, 1, 2].map((i) => student(cluster.lb, code, `lb${i}`, true));
      const students = [...onDead, ...onSurvivors, ...viaLb];
      await eventually(() => (expect(host.hosted).toBe(1), allSeated(students)), 10_000);
      expectOk([await host.control('start')]);
      await eventually(() => expect(students.every((s) => s.view!.room.phase === 'running' && s.view!.room.timeS >= 2)).toBe(true), 10_000);
      const acked = new Map<TestStudent, string[]>();
      for (const s of students) {
        const ids = [`${s.nickname}-1`, `${s.nickname}-2`];
        expectOk(await Promise.all(ids.map((id) => s.act(deploy(id)))));
        acked.set(s, ids);
      }
      const seats = new Map(students.map((s) => [s, { playerId: s.view!.you.playerId, clusterId: s.view!.you.clusterId }]));
      const survivorIds = new Map([...onSurvivors].map((s) => [s, s.socket.id]));
      const clockBefore = Math.max(...students.map((s) => s.view!.room.timeS));
      const survivorsBefore = new Map(onSurvivors.map((s) => [s, s.view!.room.seq]));
      const ownedBefore = await Promise.all([p1, p2].map(async (p) => (await p.metrics()).clusterclass_rooms_owned!));

      const killedAt = Date.now();
      p0.signal('SIGKILL');
      await p0.exited();
      let heir: ServerProcess | null = null;
      await eventuallyAsync(async () => {
        const lease = await cluster.lease(code);
        expect(lease?.epoch).toBe(2);
        heir = await cluster.owner(code);
        expect(heir).not.toBeNull();
        expect((await heir!.metrics()).clusterclass_rooms_owned).toBe(ownedBefore[heir!.index - 1]! + 1);
      }, 8_000);
      expect(Date.now() - killedAt).toBeLessThan(8_000);
      expect((await heir!.metrics()).clusterclass_takeovers_total).toBeGreaterThanOrEqual(1);

      await eventually(() => {
        for (const s of students) {
          expect(s.view!.you.playerId, s.nickname).toBe(seats.get(s)!.playerId);
          expect(s.view!.cluster.id, s.nickname).toBe(seats.get(s)!.clusterId);
          expect(s.instanceIds(), s.nickname).toEqual(acked.get(s));
          expect(s.view!.room.timeS, s.nickname).toBeGreaterThan(clockBefore);
          expect(s.view!.room.phase).toBe('running');
        }
      }, 15_000);
      for (const s of students) expect([...s.playerIds], s.nickname).toEqual([seats.get(s)!.playerId]);
      // Those on the surviving processes never noticed: same socket, no disconnect, and views again.
      for (const s of onSurvivors) {
        expect(s.disconnects, s.nickname).toBe(0);
        expect(s.socketIds, s.nickname).toEqual([survivorIds.get(s)]);
        expect(s.view!.room.seq, s.nickname).not.toBe(survivorsBefore.get(s));
      }
      expect(host.disconnects).toBe(0);
      // Those of the dead process came back on another one.
      for (const s of onDead) expect(s.url, s.nickname).not.toBe(p0.url);
      const log = await cluster.readLog(code);
      const logged = deployIds(log);
      for (const ids of acked.values()) for (const id of ids) expect(logged.filter((x) => x === id), id).toHaveLength(1);
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      for (const s of students) expect(s.clockWentBack, s.nickname).toEqual([]);
      // The teacher still drives the room, now on its new owner.
      expectOk([await host.control('pause')]);
      await eventually(() => expect(students.every((s) => s.view!.room.phase === 'paused')).toBe(true), 10_000);
      await p0.restart();
    }), 60_000);

  it('fencing: an owner paused past its lease comes back to find the room taken and writes nothing', () =>
    withLogs(async () => {
      const [p0, p1, p2] = cluster.procs as [ServerProcess, ServerProcess, ServerProcess];
      // p0 was restarted with fresh counters and owns no room yet.
      const { code, hostToken } = await newRoom(p0);
      expect((await cluster.owner(code))?.index).toBe(0);
      const host = teacher(p1.url, code, hostToken);
      // Students on every process, the paused one too (7 s is within their heartbeat's 10 s).
      const students = [student(p0.url, code, 'f0'), student(p1.url, code, 'f1'), student(p2.url, code, 'f2'), student(cluster.lb, code, 'flb', true)];
      await eventually(() => (expect(host.hosted).toBe(1), allSeated(students)), 10_000);
      expectOk([await host.control('start')]);
      await eventually(() => expect(students.every((s) => s.view!.room.timeS >= 2)).toBe(true), 10_000);
      await allAct(students, (s) => deploy(`${s.nickname}-before`));

      const stoppedAt = Date.now();
      p0.signal('SIGSTOP');
      for (const s of students) s.mark('SIGSTOP to the owner');
      let resumed = false;
      try {
        await eventuallyAsync(async () => {
          const lease = await cluster.lease(code);
          expect(lease?.epoch).toBe(2);
          expect((await cluster.owner(code))?.index).not.toBe(0);
        }, 12_000);
        // Longer than the lease (5 s): p0 wakes with a room it believes it still runs.
        await until(async () => Date.now() - stoppedAt >= 7_000, 8_000, 'seven seconds');
        const clockAtTakeover = Math.max(...students.map((s) => s.view!.room.timeS));
        for (const s of students) s.mark(`lease taken over (${(await cluster.owner(code))?.index}), SIGCONT to the old owner`);
        p0.signal('SIGCONT');
        resumed = true;
        await eventuallyAsync(async () => {
          const m = await p0.metrics();
          expect(m.clusterclass_rooms_owned).toBe(0);
          expect((m.clusterclass_leases_lost_total ?? 0) + (m.clusterclass_fenced_writes_total ?? 0)).toBeGreaterThanOrEqual(1);
        }, 5_000);
        // Nothing the old owner sends after it wakes reaches a screen (a stale view would turn its clock back).
        for (const s of students) expect.soft(s.clockWentBack, `${s.nickname}, whose clock went: ${s.clockTrail.join(', ')}`).toEqual([]);
        // Students of the old owner whose connections it dropped as it woke (their heartbeats ran out) are back in their seats.
        await eventually(() => allSeated(students), 10_000);
        // The new owner's room goes on and takes actions, from students on every process (the old owner's too).
        await allAct(students, (s) => deploy(`${s.nickname}-after`));
        await eventually(() => {
          for (const s of students) {
            expect(s.instanceIds(), s.nickname).toEqual([`${s.nickname}-before`, `${s.nickname}-after`]);
            expect(s.view!.room.timeS).toBeGreaterThan(clockAtTakeover);
          }
        }, 10_000);
      } finally {
        if (!resumed) p0.signal('SIGCONT');
      }
      // Paused, the log is complete: gap-free, each action once, and its ticks add up to the clock
      // every screen shows (ticks of a forked old owner would make more).
      expectOk([await host.control('pause')]);
      await eventually(() => expect(students.every((s) => s.view!.room.phase === 'paused')).toBe(true), 10_000);
      const clock = students[0]!.view!.room.timeS;
      for (const s of students) expect(s.view!.room.timeS).toBe(clock);
      await eventuallyAsync(async () => {
        const log = await cluster.readLog(code);
        expect(log.at(-1)?.action.type).toBe('pause');
        expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
        expect(ticksIn(log)).toBe(clock);
        expect(deployIds(log).sort()).toEqual(students.flatMap((s) => [`${s.nickname}-before`, `${s.nickname}-after`]).sort());
        for (let i = 1; i < log.length; i++) expect(log[i]!.atMs).toBeGreaterThanOrEqual(log[i - 1]!.atMs);
      }, 5_000);
      for (const s of students) expect(s.clockWentBack, `${s.nickname}, whose clock went: ${s.clockTrail.join(', ')}`).toEqual([]);
    }), 60_000);

  it('a rolling restart of every process, one at a time, loses nothing and gives every student their seat back', () =>
    withLogs(async () => {
      const { code, hostToken } = await newRoom(cluster.lb);
      const host = teacher(cluster.lb, code, hostToken);
      const students = Array.from({ length: 6 }, (_, i) => student(cluster.lb, code, `roll${i}`, true));
      await eventually(() => (expect(host.hosted).toBeGreaterThanOrEqual(1), allSeated(students)), 10_000);
      expectOk([await host.control('start')]);
      await eventually(() => expect(students.every((s) => s.view!.room.phase === 'running')).toBe(true), 10_000);
      const seats = new Map(students.map((s) => [s, s.view!.you.playerId]));
      const acked = new Map<TestStudent, string[]>(students.map((s) => [s, []]));
      const actAll = async (round: number) => {
        const acks = await Promise.all(students.map((s) => s.act(deploy(`${s.nickname}-r${round}`, round % 2 ? 'linux-2' : 'linux-1'))));
        expectOk(acks);
        for (const s of students) acked.get(s)!.push(`${s.nickname}-r${round}`);
      };
      const allBack = () =>
        eventually(() => {
          allSeated(students);
          for (const s of students) {
            expect(s.view!.you.playerId, s.nickname).toBe(seats.get(s));
            expect(s.instanceIds(), s.nickname).toEqual(acked.get(s));
          }
        }, 20_000);
      await actAll(0);
      let round = 0;
      for (const proc of cluster.procs) {
        for (const s of students) s.mark(`SIGTERM to p${proc.index}`);
        proc.signal('SIGTERM');
        expect(await proc.exited(), `p${proc.index} drained and exited`).toBe(0);
        await allBack();
        await actAll(++round);
        await proc.restart();
        for (const s of students) s.mark(`p${proc.index} is back`);
        await allBack();
        await actAll(++round);
      }
      await allBack();
      const clock = Math.max(...students.map((s) => s.view!.room.timeS));
      await eventually(() => expect(students.every((s) => s.view!.room.timeS > clock)).toBe(true), 10_000);
      for (const s of students) {
        expect([...s.playerIds], s.nickname).toEqual([seats.get(s)]);
        expect(s.clockWentBack, `${s.nickname}, whose clock went: ${s.clockTrail.join(', ')}`).toEqual([]);
      }
      const log = await cluster.readLog(code);
      const logged = deployIds(log);
      for (const ids of acked.values()) for (const id of ids) expect(logged.filter((x) => x === id), id).toHaveLength(1);
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    }), 90_000);

  it('a lease is not lost under load: three rooms of 30 students acting every 200 ms for 20 s', () =>
    withLogs(async () => {
      const before = await Promise.all(cluster.procs.map((p) => p.metrics()));
      const rooms = await Promise.all(cluster.procs.map((p) => newRoom(p)));
      const hosts = rooms.map(({ code, hostToken }, i) => teacher(cluster.procs[i]!.url, code, hostToken));
      const bots = rooms.flatMap(({ code }, r) => Array.from({ length: 30 }, (_, j) => student(cluster.procs[(r + j) % 3]!.url, code, `bot${r}-${j}`)));
      await eventually(() => (expect(hosts.every((h) => h.hosted === 1)).toBe(true), allSeated(bots)), 20_000);
      expectOk(await Promise.all(hosts.map((h) => h.control('start'))));
      const refusals: string[] = [];
      const end = Date.now() + 20_000;
      // Each bot deploys an instance, then removes it, then deploys the next: every action is accepted.
      await Promise.all(
        bots.map(async (bot, j) => {
          await new Promise((r) => setTimeout(r, (j * 7) % 200));
          for (let k = 0; Date.now() < end; k++) {
            const id = `i${Math.floor(k / 2)}`;
            const ack = await bot.act(k % 2 === 0 ? deploy(id, j % 2 ? 'linux-2' : 'linux-1') : { type: 'remove', instanceId: id });
            if (!ack.ok) refusals.push(`${bot.nickname}: ${ack.error.code} ${ack.error.message}`);
            await new Promise((r) => setTimeout(r, 200));
          }
        }),
      );
      expect(refusals.slice(0, 5)).toEqual([]);
      const after = await Promise.all(cluster.procs.map((p) => p.metrics()));
      for (const [i, m] of after.entries()) {
        const was = before[i]!;
        // Every process was restarted by the rolling restart: none has lost a lease or had a write fenced since.
        expect(m.clusterclass_leases_lost_total, `p${i} leases lost`).toBe(0);
        expect(m.clusterclass_fenced_writes_total, `p${i} fenced writes`).toBe(0);
        // Its claims after the rolling restart are counted as takeovers: none more under load.
        expect(m.clusterclass_takeovers_total! - was.clusterclass_takeovers_total!, `p${i} takeovers`).toBe(0);
        expect(m.clusterclass_lease_renewals_total!, `p${i} renewals`).toBeGreaterThan(was.clusterclass_lease_renewals_total!);
      }
      for (const [i, { code }] of rooms.entries()) {
        expect(await cluster.lease(code)).toMatchObject({ epoch: 1 });
        expect((await cluster.owner(code))?.index).toBe(i);
        expect(await cluster.epoch(code)).toBe(1);
      }
      for (const bot of bots) expect(bot.disconnects, bot.nickname).toBe(0);
      const clocks = bots.map((b) => b.view!.room.timeS);
      expect(Math.min(...clocks)).toBeGreaterThan(20 * ONE_SECOND * 0.8);
    }), 90_000);
});
