/**
 * Nickname suggestions for a class: a curated list of friendly adjectives and animals or things,
 * chosen for school. Nothing about politics, crime, violence, religion, bodies or insults, and no
 * word that reads badly next to another (no "Silver" for "Fox", no "Beaver" at all). Every word,
 * and every pair, also run together as one word ("SpeedyKestrel" hid a slur: Kestrel went), passes
 * the server's profanity filter (test/server/nicknames.test.ts checks them all).
 * Pure: the caller passes the randomness and says which names are taken.
 */

export const NICKNAME_ADJECTIVES = [
  'Brave', 'Sunny', 'Quick', 'Calm', 'Clever', 'Bright', 'Cheerful', 'Gentle', 'Happy', 'Jolly',
  'Kind', 'Lively', 'Lucky', 'Merry', 'Mighty', 'Nimble', 'Polite', 'Quiet', 'Rapid', 'Shiny',
  'Smart', 'Speedy', 'Steady', 'Swift', 'Tidy', 'Witty', 'Zesty', 'Bold', 'Busy', 'Chirpy',
  'Cosy', 'Curious', 'Daring', 'Eager', 'Fearless', 'Friendly', 'Fuzzy', 'Golden', 'Hopeful', 'Keen',
  'Loyal', 'Mellow', 'Noble', 'Patient', 'Peppy', 'Plucky', 'Quirky', 'Rosy', 'Snappy', 'Sparkly',
  'Spry', 'Stellar', 'Sturdy', 'Thrifty', 'Trusty', 'Upbeat', 'Vivid', 'Wise', 'Zippy', 'Breezy',
  'Cosmic', 'Dapper', 'Frosty', 'Radiant',
] as const;

export const NICKNAME_NOUNS = [
  'Otter', 'Falcon', 'Comet', 'Panda', 'Koala', 'Dolphin', 'Penguin', 'Badger', 'Cheetah', 'Eagle',
  'Fox', 'Gecko', 'Giraffe', 'Hedgehog', 'Heron', 'Jaguar', 'Magpie', 'Lemur', 'Leopard', 'Llama',
  'Lynx', 'Meerkat', 'Moose', 'Narwhal', 'Ocelot', 'Owl', 'Parrot', 'Pelican', 'Puffin', 'Rabbit',
  'Raccoon', 'Robin', 'Salmon', 'Sparrow', 'Squirrel', 'Swan', 'Tiger', 'Toucan', 'Turtle', 'Walrus',
  'Wombat', 'Zebra', 'Yak', 'Alpaca', 'Hamster', 'Rocket', 'Planet', 'Meteor', 'Nebula', 'Aurora',
  'Rainbow', 'Lantern', 'Compass', 'Kite', 'Acorn', 'Pebble', 'Maple', 'Cactus', 'Tulip', 'Glacier',
  'Canyon', 'Island', 'Pixel', 'Satellite',
] as const;

/** A nickname folded for uniqueness in a room: case, width and spaces do not make two names differ. */
export const nicknameKey = (nickname: string): string => nickname.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** How many adjective–noun pairs there are. */
export const NICKNAME_PAIRS = NICKNAME_ADJECTIVES.length * NICKNAME_NOUNS.length;

const pair = (i: number): string => `${NICKNAME_ADJECTIVES[Math.floor(i / NICKNAME_NOUNS.length)]} ${NICKNAME_NOUNS[i % NICKNAME_NOUNS.length]}`;

/**
 * A suggestion that is not taken: a random pair, else the next free pair after it, else (every
 * pair taken) a random pair with the first free number after it ("Brave Otter 2"). `random`
 * returns [0, 1) like Math.random; `taken` is asked with nicknameKey of each candidate.
 */
export function suggestNickname(random: () => number, taken: (key: string) => boolean = () => false): string {
  const start = Math.min(NICKNAME_PAIRS - 1, Math.floor(random() * NICKNAME_PAIRS));
  // A few random draws first, so a busy room still gets varied names rather than neighbours.
  for (let attempt = 0; attempt < 8; attempt++) {
    const name = pair(attempt === 0 ? start : Math.min(NICKNAME_PAIRS - 1, Math.floor(random() * NICKNAME_PAIRS)));
    if (!taken(nicknameKey(name))) return name;
  }
  for (let k = 1; k <= NICKNAME_PAIRS; k++) {
    const name = pair((start + k) % NICKNAME_PAIRS);
    if (!taken(nicknameKey(name))) return name;
  }
  const base = pair(start);
  for (let n = 2; ; n++) {
    const name = `${base} ${n}`;
    if (!taken(nicknameKey(name))) return name;
  }
}
