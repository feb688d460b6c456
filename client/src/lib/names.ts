import { suggestNickname as pickNickname } from '../../../shared/names/nicknames.ts';
import { ROOM_CODE } from './router.ts';

/**
 * A friendly, classroom-safe nickname such as "Brave Otter", from the curated list in
 * shared/names. With a room code, the server picks one nobody in that room has; without one (or
 * when the server cannot be asked), one is picked here from the same list.
 */
export async function suggestNickname(code?: string): Promise<string> {
  if (code && ROOM_CODE.test(code)) {
    try {
      const res = await fetch(`/api/rooms/${encodeURIComponent(code)}/nickname`, { headers: { accept: 'application/json' } });
      const body = (await res.json().catch(() => null)) as { nickname?: unknown } | null;
      if (res.ok && typeof body?.nickname === 'string' && body.nickname) return body.nickname;
    } catch {
      // Offline or no such room yet: a local pick is as good, and the join says if it is taken.
    }
  }
  return pickNickname(Math.random);
}
