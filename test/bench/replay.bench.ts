/**
 * How fast the replay viewer seeks: a 45-minute session of 100 students, archived, opened in
 * Debian's Chromium at /replay/ID; then jumps to random seconds, each timed inside the page from
 * the click until the page shows that second and has painted. Target: 200 ms per seek.
 * Prints the figures and writes test/bench/results/replay.json. Run with `npm run bench:replay`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { Room } from '../../server/rooms/room.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { startServer } from '../../server/http/app.ts';
import { ensureClientBuilt } from '../../server/build-client.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';

// The debrief's references are not what these benchmarks measure: computed inline, on demand.
const references = new InlineReferenceRunner();

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 2700);
const SEEKS = 12;

/** Runs in the page: jumps to a second and times it until the page shows that second, painted. */
const SEEK_IN_PAGE = `async (target) => {
  const find = (root, selector) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      const found = el.shadowRoot ? find(el.shadowRoot, selector) : null;
      if (found) return found;
    }
    return null;
  };
  const main = find(document, '[data-testid=replay-page]');
  const input = find(document, '[data-testid=replay-jump-input]');
  const go = find(document, '[data-testid=replay-jump]');
  input.value = String(target);
  const started = performance.now();
  go.click();
  await new Promise((resolve) => {
    const check = () => (main.getAttribute('data-second') === String(target) ? resolve() : requestAnimationFrame(check));
    check();
  });
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - started;
}`;
const HOST = 'bench-host-token-0000000000';

if (ensureClientBuilt((l) => console.log(l)) === 'failed') throw new Error('the client did not build');
console.log(`playing a ${DURATION_S / 60}-minute session of ${STUDENTS} students…`);
const base = getScenario('flash-sale')!;
const scenario = { ...base, durationS: DURATION_S, events: [...base.events, ...base.events.map((e) => ({ ...e, atS: e.atS + 1200 })), ...base.events.map((e) => ({ ...e, atS: e.atS + 1800 }))] };
const store = new InMemoryRoomStore();
const clock = new FakeClock();
const room = await Room.open({ code: 'BENCH9', hostToken: HOST, mode: 'solo', seed: 9, scenario, createdAtMs: 0, replayId: 'bench-replay-1' }, { clock, transport: { send() {}, broadcast() {}, join() {}, leave() {}, drop() {} }, store, references });
await room.attachHost('t', 'teacher', HOST);
for (let s = 0; s < STUDENTS; s++) {
  await room.join(`s${s}`, { nickname: `Student ${s}` });
  for (const [appId, target] of [['storefront', 'node-1'], ['checkout', 'node-2'], ['search', 'node-3'], ['payments', 'node-1']] as const) {
    await room.act(`s${s}`, { type: 'deploy', appId, runtime: s % 3 === 0 ? 'vm' : 'container', target });
  }
}
await room.command('t', { type: 'setSpeed', speed: 20 });
await room.command('t', { type: 'start' });
await clock.advance((DURATION_S / 20) * 1000 + 1000);
if (room.phase !== 'debrief') throw new Error(`the session did not reach the debrief (${room.phase} at ${room.simulation.timeS})`);
await room.settled();
await store.archive('BENCH9', 'bench-replay-1', 3600);
room.dispose();
const logEntries = (await store.readLog('BENCH9')).length;

const server = await startServer({ port: 0, host: '127.0.0.1', store });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const loadStart = Date.now();
  await page.goto(`http://127.0.0.1:${server.port}/replay/bench-replay-1`);
  await page.getByTestId('replay-page').waitFor({ timeout: 120_000 });
  const loadMs = Date.now() - loadStart;
  const seconds = Array.from({ length: SEEKS }, (_, i) => Math.floor(((i * 7919) % 97) * (DURATION_S / 97)) + 1);
  const seekMs: number[] = [];
  for (const second of seconds) {
    // As text: tsx's transform would add helpers to a function that do not exist in the page.
    seekMs.push((await page.evaluate(`(${SEEK_IN_PAGE})(${second})`)) as number);
  }
  const sorted = [...seekMs].sort((a, b) => a - b);
  const result = {
    students: STUDENTS,
    durationS: DURATION_S,
    logEntries,
    loadMs,
    seekMs: { median: Math.round(sorted[Math.floor(sorted.length / 2)]!), max: Math.round(sorted.at(-1)!), all: seekMs.map((m) => Math.round(m)) },
    targetSeekMs: 200,
  };
  console.log(`replay of ${STUDENTS} students × ${DURATION_S / 60} min (${logEntries} log entries): opened and ready in ${loadMs} ms`);
  console.log(`seek to a second: median ${result.seekMs.median} ms, worst ${result.seekMs.max} ms over ${SEEKS} seeks (target 200 ms)`);
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('results/replay.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), node: process.version, ...result }, null, 2));
  console.log('written to test/bench/results/replay.json');
} finally {
  await browser.close();
  await server.close();
}
