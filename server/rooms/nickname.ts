import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { NICKNAME_MAX } from '../../shared/protocol/index.ts';
import { nicknameKey } from '../../shared/names/nicknames.ts';

export { nicknameKey };

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

export type NicknameCheck = { ok: true; nickname: string; key: string } | { ok: false; message: string };

/**
 * Trims and checks a nickname: 1–24 visible characters, no control characters, nothing the
 * profanity filter catches. The key (case- and space-folded) decides uniqueness in a room.
 */
export function checkNickname(raw: string): NicknameCheck {
  const nickname = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (nickname.length === 0) return { ok: false, message: 'Pick a nickname: 1 to 24 characters.' };
  if ([...nickname].length > NICKNAME_MAX) return { ok: false, message: `A nickname is at most ${NICKNAME_MAX} characters.` };
  if (/[\p{C}]/u.test(nickname)) return { ok: false, message: 'A nickname cannot contain control characters.' };
  if (matcher.hasMatch(nickname)) return { ok: false, message: 'That nickname is not allowed in class. Pick another.' };
  return { ok: true, nickname, key: nicknameKey(nickname) };
}

/** Whether the profanity filter catches a text (the nickname list's test uses the same filter). */
export const profane = (text: string): boolean => matcher.hasMatch(text);
