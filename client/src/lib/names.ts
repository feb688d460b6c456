import { suggestNickname as pickNickname } from '../../../shared/names/nicknames.ts';
import { suggestNickname as askServer } from './api.ts';
import { ROOM_CODE } from './router.ts';

/**
 * A friendly, classroom-safe nickname such as "Brave Otter", from the curated list in
 * shared/names. With a room code, the server picks one nobody in that room has; without one (or
 * when the server cannot be asked), one is picked here from the same list.
 */
export async function suggestNickname(code?: string): Promise<string> {
  if (code && ROOM_CODE.test(code)) {
    try {
      const { nickname } = await askServer(code);
      if (typeof nickname === 'string' && nickname) return nickname;
    } catch {
      // Offline or no such room yet: a local pick is as good, and the join says if it is taken.
    }
  }
  return pickNickname(Math.random);
}
