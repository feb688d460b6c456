import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../client/src/lib/router.ts';
import { deadlineProblem, defaultDeadline } from '../../client/src/components/assignment-options.ts';

describe('assignment routes', () => {
  it('reads the student link and the console, case-sensitively, and nothing else', () => {
    expect(parseRoute('/a/aB3dE6gH9k')).toEqual({ name: 'assignment-play', id: 'aB3dE6gH9k' });
    expect(parseRoute('/assignment/aB3dE6gH9k')).toEqual({ name: 'assignment-teach', id: 'aB3dE6gH9k' });
    for (const bad of ['/a/short', '/a/aB3dE6gH9k/x', '/a/aB3dE6gH9-', '/assignment/', '/a/constructor1']) expect(parseRoute(bad).name, bad).toBe('notFound');
  });
});

describe('an assignment’s deadline', () => {
  it('defaults to a week ahead at 17:00, and is refused in the past or beyond 90 days', () => {
    const now = new Date(2026, 11, 1, 9, 30);
    const d = defaultDeadline(now);
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()]).toEqual([2026, 11, 8, 17, 0]);
    expect(deadlineProblem(d.getTime(), now.getTime())).toBeNull();
    expect(deadlineProblem(now.getTime() - 1, now.getTime())).toMatch(/future/);
    expect(deadlineProblem(now.getTime() + 91 * 24 * 3600 * 1000, now.getTime())).toMatch(/90 days/);
    expect(deadlineProblem(Number.NaN, now.getTime())).toMatch(/date and a time/);
  });
});
