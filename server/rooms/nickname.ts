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
  if (looksPersonal(nickname)) return { ok: false, message: 'A nickname must not be an e-mail address or a phone number: pick a made-up name.' };
  return { ok: true, nickname, key: nicknameKey(nickname) };
}

/** Something shaped like an e-mail address (`name@host.tld`, spaces allowed around the parts). */
const EMAIL = /[^\s@]+\s*@\s*[^\s@]+\s*\.\s*[a-z]{2,}/iu;
/** Seven or more digits in a row, allowing the separators people write phone numbers with. */
const PHONE = /(?:\d[\s().\-/]*){7,}/u;

/**
 * Whether a nickname looks like contact details: ClusterClass asks for nothing personal
 * (docs/PRIVACY.md), so a student who types their e-mail or phone number is asked for another.
 */
export function looksPersonal(nickname: string): boolean {
  // Fullwidth and other digit forms count as digits.
  const folded = nickname.normalize('NFKC');
  return EMAIL.test(folded) || PHONE.test(folded);
}

/** Whether the profanity filter catches a text (the nickname list's test uses the same filter). */
export const profane = (text: string): boolean => matcher.hasMatch(text);
