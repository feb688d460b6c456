/**
 * Counts of values at a fixed resolution: mergeable across processes (plain JSON over IPC),
 * exact enough for percentiles, and small whatever the number of samples (a frame size in
 * bytes, a latency in tenths of a millisecond).
 */
export type CountsJson = readonly (readonly [number, number])[];

export class Counts {
  private readonly bins = new Map<number, number>();
  private n = 0;
  private top = -Infinity;

  /** `step`: the resolution a value is kept at (1 for bytes, 0.1 for milliseconds). */
  constructor(readonly step = 1) {}

  add(value: number, times = 1): void {
    const key = Math.round(value / this.step);
    this.bins.set(key, (this.bins.get(key) ?? 0) + times);
    this.n += times;
    if (value > this.top) this.top = value;
  }

  get count(): number {
    return this.n;
  }

  get max(): number | null {
    return this.n === 0 ? null : this.top;
  }

  /** The value at or below which `p` per cent of the samples lie (nearest rank). */
  percentile(p: number): number | null {
    if (this.n === 0) return null;
    const keys = [...this.bins.keys()].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (const key of keys) {
      seen += this.bins.get(key)!;
      if (seen >= rank) return key * this.step;
    }
    return keys.at(-1)! * this.step;
  }

  mean(): number | null {
    if (this.n === 0) return null;
    let sum = 0;
    for (const [key, times] of this.bins) sum += key * this.step * times;
    return sum / this.n;
  }

  merge(other: Counts | CountsJson): void {
    const entries = other instanceof Counts ? other.toJSON() : other;
    for (const [key, times] of entries) {
      this.bins.set(key, (this.bins.get(key) ?? 0) + times);
      this.n += times;
      if (key * this.step > this.top) this.top = key * this.step;
    }
  }

  /** A sampler drawing values with the recorded frequencies (for the baseline's sizes). */
  sampler(random: () => number = Math.random): () => number {
    const keys = [...this.bins.keys()];
    const cumulative: number[] = [];
    let total = 0;
    for (const key of keys) cumulative.push((total += this.bins.get(key)!));
    return () => {
      const target = random() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > target) hi = mid;
        else lo = mid + 1;
      }
      return keys[lo]! * this.step;
    };
  }

  toJSON(): CountsJson {
    return [...this.bins.entries()];
  }

  static from(json: CountsJson, step = 1): Counts {
    const counts = new Counts(step);
    counts.merge(json);
    return counts;
  }
}

/** Errors and refusals by kind, with the first few messages of each to tell them apart. */
export class Tally {
  readonly counts = new Map<string, number>();
  readonly examples = new Map<string, string[]>();

  add(kind: string, example?: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (example === undefined) return;
    const list = this.examples.get(kind) ?? [];
    if (list.length < 3 && !list.includes(example)) list.push(example.slice(0, 200));
    this.examples.set(kind, list);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  merge(json: TallyJson): void {
    for (const [kind, n] of Object.entries(json.counts)) this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
    for (const [kind, list] of Object.entries(json.examples)) {
      const mine = this.examples.get(kind) ?? [];
      for (const e of list) if (mine.length < 3 && !mine.includes(e)) mine.push(e);
      this.examples.set(kind, mine);
    }
  }

  toJSON(): TallyJson {
    return { counts: Object.fromEntries(this.counts), examples: Object.fromEntries(this.examples) };
  }
}
export interface TallyJson {
  readonly counts: Record<string, number>;
  readonly examples: Record<string, string[]>;
}
