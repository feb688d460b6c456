/**
 * The view delta format, both halves: the server's encoder (`diff`: what changed since the last
 * view a connection got, field by field, however deep) and the clients' decoder (`applyView`).
 *
 * A delta is one of:
 * - a primitive (number, string, boolean, null): the new value;
 * - `{ "=": value }`: the value whole (the first view after joining is `{ "=": view }`);
 * - `{ "3": delta, …, "~": length }`: an array changed at those indexes (to that length, when it
 *   changed: a delta for an array is known from the value it applies to);
 * - `{ key: delta, …, "-": [keys] }`: an object with those keys changed (and those removed).
 *
 * - `'@'` at the top of any of these: the generation the message was sent under (applyView).
 *
 * No view has a field named `=`, `~`, `-` or `@`. Views are plain JSON data (no undefined inside
 * arrays), and every number in them is already rounded to the precision a screen shows, so a
 * second in which only the clock and a few figures moved costs a few dozen bytes.
 */
export type Delta = null | boolean | number | string | { readonly [key: string]: Delta | readonly string[] | unknown };

type Plain = Record<string, unknown>;

const isPlain = (x: unknown): x is Plain => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Sets a field; a key named __proto__ (JSON.parse makes it an own one) stays a field, never the prototype. */
function put(target: Plain, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The delta that turns `prev` into `next`, or undefined when they are equal. */
export function diff(prev: unknown, next: unknown): Delta | undefined {
  if (prev === next) return undefined;
  if (typeof next !== 'object' || next === null) {
    // NaN never equals itself: a view carries none, but it must not be sent every round.
    return typeof next === 'number' && Number.isNaN(next) && typeof prev === 'number' && Number.isNaN(prev) ? undefined : (next as Delta);
  }
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return { '=': next };
    const out: Record<string, unknown> = {};
    let changed = false;
    for (let i = 0; i < next.length; i++) {
      const d = i < prev.length ? diff(prev[i], next[i]) : whole(next[i]);
      if (d === undefined) continue;
      out[i] = d;
      changed = true;
    }
    if (prev.length !== next.length) out['~'] = next.length;
    else if (!changed) return undefined;
    return out;
  }
  if (!isPlain(prev)) return { '=': next };
  let out: Record<string, unknown> | null = null;
  for (const key in next) {
    const value = (next as Plain)[key];
    if (value === undefined) continue;
    const d = Object.hasOwn(prev, key) ? diff(prev[key], value) : whole(value);
    if (d === undefined) continue;
    put((out ??= {}), key, d);
  }
  let removed: string[] | null = null;
  for (const key in prev) {
    if (prev[key] !== undefined && !(Object.hasOwn(next, key) && (next as Plain)[key] !== undefined)) (removed ??= []).push(key);
  }
  if (removed) (out ??= {})['-'] = removed;
  return out ?? undefined;
}

/** A value sent whole: primitives are themselves, objects and arrays are wrapped. */
export function whole(value: unknown): Delta {
  return typeof value === 'object' && value !== null ? { '=': value } : (value as Delta);
}

/** Whether a delta carries its value whole (a client may start from it). */
export function isWhole(delta: unknown): boolean {
  return isPlain(delta) && Object.hasOwn(delta, '=');
}

/** `prev` with a delta applied, sharing what did not change; `prev` itself is never modified. */
export function applyDelta(prev: unknown, delta: unknown): unknown {
  if (!isPlain(delta)) return delta;
  if (Object.hasOwn(delta, '=')) return delta['='];
  if (Array.isArray(prev) || Object.hasOwn(delta, '~')) {
    const base: unknown[] = Array.isArray(prev) ? prev : [];
    const length = Object.hasOwn(delta, '~') ? (delta['~'] as number) : base.length;
    const out = base.slice(0, length);
    for (const key in delta) {
      if (key === '~') continue;
      const i = Number(key);
      if (Number.isInteger(i) && i >= 0 && i < length) out[i] = applyDelta(base[i], delta[key]);
    }
    out.length = length;
    return out;
  }
  const out: Plain = isPlain(prev) ? { ...prev } : {};
  for (const key in delta) {
    if (key === '-') continue;
    put(out, key, applyDelta(Object.hasOwn(out, key) ? out[key] : undefined, delta[key]));
  }
  const removed = delta['-'];
  if (Array.isArray(removed)) for (const key of removed) delete out[key as string];
  return out;
}

/**
 * The generation a message was sent under (`'@'`: with several server processes, the epoch of the
 * room owner's lease; none with one process), or that a view was last updated under.
 */
export function generationOf(message: unknown): number | undefined {
  const g = isPlain(message) ? message['@'] : undefined;
  return typeof g === 'number' ? g : undefined;
}

/**
 * Whether a message may be applied over what was built under `held`: one from an older generation
 * (an owner that lost the room, with views still on their way) never is; one from a newer
 * generation only when it is whole (its deltas are against the new owner's views, not this one).
 */
export function fromCurrentOwner(held: number | undefined, message: unknown): boolean {
  const g = generationOf(message);
  if (g === undefined || held === undefined || g === held) return true;
  return g > held && isWhole(message);
}

/**
 * Merges a view update into the last view; null until a whole view has arrived (a reconnecting
 * client keeps showing its old view meanwhile, and drops deltas meant for another base). The
 * view keeps the generation it was built under in its `'@'` field; a message from an owner that
 * lost the room is dropped (`fromCurrentOwner`).
 */
export function applyView<V extends object>(previous: V | null, delta: ViewDelta<V>): V | null {
  if (!fromCurrentOwner(generationOf(previous), delta)) return previous;
  if (isWhole(delta)) {
    const view = applyDelta(null, delta) as V;
    const g = generationOf(delta);
    return g === undefined || !isPlain(view) ? view : ({ ...view, '@': g } as V);
  }
  return previous === null ? null : (applyDelta(previous, delta) as V);
}

/** What goes over the wire for a view of type V: a delta against the last one sent (see above). */
export type ViewDelta<V> = Delta | { readonly '=': V };

