/**
 * What one room costs the server each 100 ms while it runs: a tick plus a view for every
 * connection (built and serialised), for classes of 30 and 100. Prints figures and writes them
 * to test/bench/results/room.json. Run with `npm run bench:room`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { Room, type RoomTransport } from '../../server/rooms/room.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';

// The debrief's references are not what these benchmarks measure: computed inline, on demand.
const references = new InlineReferenceRunner();

let bytes = 0;
let messages = 0;
const transport: RoomTransport = {
  send(_conn, _event, ...args) {
    // A real transport serialises each view once per recipient; count what it would send.
    bytes += JSON.stringify(args[0]).length;
    messages++;
  },
  broadcast(_channel, _event, ...args) {
    // socket.io encodes a broadcast once for all its recipients.
    bytes += JSON.stringify(args[0]).length;
    messages++;
  },
  join() {},
  leave() {},
  drop() {},
};

async function measure(students: number) {
  const clock = new FakeClock();
  const room = await Room.open(
    { code: 'BENCH1', hostToken: 'bench-host-token-000000', mode: 'solo', seed: 1, scenario: getScenario('flash-sale')!, createdAtMs: 0 },
    { clock, transport, store: new InMemoryRoomStore(), references },
  );
  await room.attachHost('teacher', 'teacher', 'bench-host-token-000000');
  await room.attachHost('projector', 'projector', 'bench-host-token-000000');
  for (let i = 0; i < students; i++) {
    await room.join(`s${i}`, { nickname: `Student ${i}` });
    for (const [appId, target] of [['storefront', 'node-1'], ['storefront', 'node-2'], ['checkout', 'node-1'], ['checkout', 'node-3'], ['search', 'node-2'], ['payments', 'node-3']] as const) {
      await room.act(`s${i}`, { type: 'deploy', appId, runtime: i % 2 ? 'container' : 'vm', target });
    }
  }
  await room.command('teacher', { type: 'start' });
  // Warm up, then time whole rounds of the clock: the tick and every view.
  await clock.advance(2000);
  bytes = 0;
  messages = 0;
  const rounds = 200;
  const started = performance.now();
  await clock.advance(rounds * 100);
  const ms = (performance.now() - started) / rounds;
  room.dispose();
  return { students, msPerRound: +ms.toFixed(3), messagesPerRound: +(messages / rounds).toFixed(1), kibPerRound: +(bytes / rounds / 1024).toFixed(1), bytesPerStudentView: Math.round(bytes / Math.max(1, messages)) };
}

const results = [];
for (const n of [30, 100]) {
  const r = await measure(n);
  results.push(r);
  console.log(`room of ${n}: ${r.msPerRound} ms per 100 ms round (tick + ${r.messagesPerRound} views, ${r.kibPerRound} KiB), about ${r.bytesPerStudentView} bytes a view`);
}
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(new URL('results/room.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2));
console.log('written to test/bench/results/room.json');
