import { describe, expect, it } from 'vitest';
import { applyView, diff, whole } from '../../shared/views/patch.ts';
import { StudentMirror } from '../../shared/views/mirror.ts';
import { stampedTransport } from '../../server/rooms/broadcaster.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

// With several processes, a room's views carry the generation (the owner's lease epoch) they were
// sent under: a view from an owner that lost the room must not be merged into the new owner's.
const at = (g: number, message: unknown) => ({ ...(message as object), '@': g });

describe('view generations', () => {
  it('drops a delta from an older generation, and a newer one until it comes whole', () => {
    const first = { room: { timeS: 4 }, score: 10 };
    let view = applyView<object>(null, at(1, whole(first)) as never);
    expect(view).toEqual({ ...first, '@': 1 });
    // The new owner's whole view, then a late delta from the old one.
    const second = { room: { timeS: 9 }, score: 12 };
    view = applyView(view, at(2, whole(second)) as never);
    expect(view).toEqual({ ...second, '@': 2 });
    const late = at(1, diff(first, { room: { timeS: 5 }, score: 11 }) as object);
    expect(applyView(view, late as never)).toBe(view);
    // The new owner's deltas apply; a newer generation's delta before its whole view does not.
    view = applyView(view, at(2, diff(second, { room: { timeS: 10 }, score: 12 }) as object) as never);
    expect(view).toEqual({ room: { timeS: 10 }, score: 12, '@': 2 });
    expect(applyView(view, at(3, { score: 99 }) as never)).toBe(view);
    // Views without a generation (one process) merge as ever.
    expect(applyView({ a: 1 }, { a: 2 } as never)).toEqual({ a: 2 });
  });

  it('keeps a student\'s two parts on the newest generation either came from, the clock included', () => {
    const mirror = new StudentMirror();
    const shared = { room: { phase: 'running', timeS: 4 }, effects: [], banners: [] };
    const own = { you: { id: 'p1' }, cluster: { id: 'c1' }, score: { total: 1 } };
    expect(mirror.apply('view:room', at(1, whole(shared)))).toBe(false);
    expect(mirror.apply('view:student', at(1, whole(own)))).toBe(true);
    // The new owner's room part arrives; then the old owner's late own update with its clock.
    expect(mirror.apply('view:room', at(2, whole({ ...shared, room: { phase: 'running', timeS: 9 } })))).toBe(true);
    expect(mirror.apply('view:student', at(1, { score: { total: 5 }, room: { timeS: 5 } }))).toBe(false);
    expect((mirror.view as unknown as { room: { timeS: number } }).room.timeS).toBe(9);
    expect(mirror.apply('view:student', at(2, whole({ ...own, score: { total: 2 } })))).toBe(true);
    expect((mirror.view as unknown as { score: { total: number } }).score.total).toBe(2);
  });

  it('stamps every view message a room sends with its generation, and nothing else', () => {
    const inner = new MemoryTransport();
    const transport = stampedTransport(inner, 7);
    inner.join('c1', 'students:ROOM01');
    transport.send('c1', 'view:student', { '=': { you: null } } as never);
    transport.broadcast('students:ROOM01', 'view:room', { room: { timeS: 3 } } as never);
    transport.send('t1', 'view:teacher', { room: { timeS: 3 } } as never);
    transport.send('t1', 'view:cluster', { cluster: { id: 'c1' } } as never);
    const stamps = (conn: string) => (inner.sent.get(conn) ?? []).map((m) => [m.event, (m.payload as Record<string, unknown>)['@']]);
    expect(stamps('c1')).toEqual([
      ['view:student', 7],
      ['view:room', 7],
    ]);
    expect(stamps('t1')).toEqual([
      ['view:teacher', 7],
      ['view:cluster', undefined],
    ]);
  });
});
