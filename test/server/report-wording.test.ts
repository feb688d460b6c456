import { describe, expect, it } from 'vitest';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { buildClassReport, classReportCsv, csvCell } from '../../server/reports/class-report.ts';
import { Room } from '../../server/rooms/room.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

/** The CSV's cells, split the simple way: these rows hold no quoted commas. */
const cells = (line: string) => line.split(',');

describe('CSV cells', () => {
  it('keeps numbers numbers, negative ones included, and guards only text that a spreadsheet would run', () => {
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell('-12')).toBe('-12');
    expect(csvCell('+3.5')).toBe('+3.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    for (const formula of ['=1+1', '+A1', '-A1', '@SUM(A1)', '\tx', '\rx', '-12 security', '=HYPERLINK("x")']) expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('Ada, "the first"')).toBe('"Ada, ""the first"""');
  });
});

describe('the report’s wording', () => {
  it('says "1 student", "1 refusal" and writes a lost security score without a stray apostrophe', async () => {
    const clock = new FakeClock();
    const store = new InMemoryRoomStore();
    const room = await Room.open(
      { code: 'WXYZ23', hostToken: 'host-token-0123456789', mode: 'solo', seed: 5, scenario: getScenario('untrusted-tenants')!, createdAtMs: clock.now() },
      { clock, transport: new MemoryTransport(), store, references: new InlineReferenceRunner(), countdownS: 0 },
    );
    await room.attachHost('t', 'teacher', 'host-token-0123456789');
    await room.join('s', { nickname: 'Ada' });
    // One refusal (a VM too small for its guest OS), then a plug-in sharing billing's kernel for the exploit to breach.
    expect((await room.act('s', { type: 'createVm', hostId: 'host-a', guestOs: 'linux', vcpu: 1, memoryMiB: 1 })).ok).toBe(false);
    expect((await room.act('s', { type: 'deploy', appId: 'plugin-acme', runtime: 'container', target: 'host-a' })).ok).toBe(true);
    expect((await room.act('s', { type: 'deploy', appId: 'billing', runtime: 'container', target: 'host-a' })).ok).toBe(true);
    expect((await room.command('t', { type: 'start' })).ok).toBe(true);
    await clock.advance(2000);
    expect((await room.command('t', { type: 'injectEvent', event: { type: 'kernelExploit', os: 'linux' } })).ok).toBe(true);
    await clock.advance(500);
    await room.settled();
    const report = buildClassReport((await store.getRoom('WXYZ23'))!, await store.readLog('WXYZ23'));
    const csv = classReportCsv(report).split('\r\n');
    const concepts = csv.filter((l) => l.startsWith('class-concept'));
    expect(concepts.length).toBeGreaterThan(0);
    for (const line of concepts) {
      expect(cells(line)[10]).toBe('1 student');
      expect(line).not.toMatch(/\b1 (students|refusals|incidents)\b/);
    }
    const breach = csv.find((l) => l.startsWith('incident') && l.includes('kernelExploit'))!;
    expect(breach).toBeDefined();
    expect(breach).toMatch(/,\d+ security points? lost,/);
    // No apostrophe before a number: the formula guard leaves numbers and "N security points lost" alone.
    expect(breach).not.toMatch(/,'[-+\d]/);
    room.dispose();
  });
});
