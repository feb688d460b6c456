import { describe, expect, it } from 'vitest';
import { NICKNAME_MAX } from '../../shared/protocol/index.ts';
import { NICKNAME_ADJECTIVES, NICKNAME_NOUNS, NICKNAME_PAIRS, nicknameKey, suggestNickname } from '../../shared/names/nicknames.ts';
import { checkNickname, profane } from '../../server/rooms/nickname.ts';

/** A seeded generator, so a failure names the draw that caused it. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the nickname list', () => {
  it('has about sixty friendly words on each side, none repeated', () => {
    expect(NICKNAME_ADJECTIVES.length).toBeGreaterThanOrEqual(60);
    expect(NICKNAME_NOUNS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(NICKNAME_ADJECTIVES.map((w) => w.toLowerCase())).size).toBe(NICKNAME_ADJECTIVES.length);
    expect(new Set(NICKNAME_NOUNS.map((w) => w.toLowerCase())).size).toBe(NICKNAME_NOUNS.length);
    for (const w of [...NICKNAME_ADJECTIVES, ...NICKNAME_NOUNS]) expect(w).toMatch(/^[A-Z][a-z]+$/);
  });

  it('passes the profanity filter word by word and in every pair, and every pair is a valid nickname', () => {
    for (const w of [...NICKNAME_ADJECTIVES, ...NICKNAME_NOUNS]) expect(profane(w), w).toBe(false);
    let pairs = 0;
    for (const a of NICKNAME_ADJECTIVES) {
      for (const n of NICKNAME_NOUNS) {
        const name = `${a} ${n}`;
        // Also as a student may type it: run together.
        expect(profane(name) || profane(`${a}${n}`), name).toBe(false);
        expect(checkNickname(name), name).toEqual({ ok: true, nickname: name, key: nicknameKey(name) });
        // Room for the fallback's number after it.
        expect(name.length + 4, name).toBeLessThanOrEqual(NICKNAME_MAX);
        pairs++;
      }
    }
    expect(pairs).toBe(NICKNAME_PAIRS);
  });

  it('leaves out words unfit for class that a generic generator suggests', () => {
    const words = new Set([...NICKNAME_ADJECTIVES, ...NICKNAME_NOUNS].map((w) => w.toLowerCase()));
    for (const bad of ['communist', 'criminal', 'bloody', 'beaver', 'silver', 'crazy', 'dead', 'drunk', 'naked', 'holy']) expect(words.has(bad), bad).toBe(false);
  });
});

describe('suggestNickname', () => {
  it('never returns a taken name, whatever the draw', () => {
    const taken = new Set<string>();
    const random = seeded(42);
    for (let i = 0; i < 500; i++) {
      const name = suggestNickname(random, (key) => taken.has(key));
      expect(taken.has(nicknameKey(name)), name).toBe(false);
      taken.add(nicknameKey(name));
    }
  });

  it('finds the last free pair, then numbers names once every pair is taken', () => {
    const taken = new Set<string>();
    for (const a of NICKNAME_ADJECTIVES) for (const n of NICKNAME_NOUNS) taken.add(nicknameKey(`${a} ${n}`));
    const last = nicknameKey(`${NICKNAME_ADJECTIVES[3]} ${NICKNAME_NOUNS[5]}`);
    taken.delete(last);
    expect(nicknameKey(suggestNickname(seeded(1), (k) => taken.has(k)))).toBe(last);
    taken.add(last);
    const numbered = suggestNickname(() => 0, (k) => taken.has(k));
    expect(numbered).toBe(`${NICKNAME_ADJECTIVES[0]} ${NICKNAME_NOUNS[0]} 2`);
    taken.add(nicknameKey(numbered));
    expect(suggestNickname(() => 0, (k) => taken.has(k))).toBe(`${NICKNAME_ADJECTIVES[0]} ${NICKNAME_NOUNS[0]} 3`);
  });

  it('treats case and spaces as the same name, as the room does', () => {
    const first = suggestNickname(() => 0);
    const taken = new Set([first.toUpperCase().replace(' ', '  ')].map(nicknameKey));
    expect(suggestNickname(() => 0, (k) => taken.has(k))).not.toBe(first);
  });
});

describe('a nickname that is contact details', () => {
  it('is refused when it is an e-mail address or a phone number, in the forms people type them', () => {
    for (const name of ['ana@school.org', 'Ana.B@example.co.uk', 'ana @ school . org', 'me@ｅｘａｍｐｌｅ.com', '07700 900123', '+44 7700 900123', '(555) 123-4567', '555.123.4567', 'call 0612345678', '０７７００９００１２３']) {
      const check = checkNickname(name);
      expect(check.ok, name).toBe(false);
      if (!check.ok) expect(check.message, name).toMatch(/e-mail address or a phone number/);
    }
  });

  it('is allowed when it only has an @ or a few digits', () => {
    for (const name of ['@ana', 'Ana @ home', 'Player 42', 'Team 2024', 'R2-D2', 'Agent 007', 'Ana 12 34 56']) expect(checkNickname(name).ok, name).toBe(true);
  });
});
