/**
 * Pace: how simulated time relates to real time in a live room. The server's clock runs at
 * TICK_HZ periods a second and advances `speed` simulated seconds per period, so a room at speed s
 * runs s × TICK_HZ simulated seconds per real second. Everything a person reads as a duration
 * ("about 4 min to play", "2:10 left") is real time computed here; simulated time is labelled as such.
 */

/** Clock periods per real second (the room ticker's rate). */
export const TICK_HZ = 10;

export interface Pace {
  readonly id: 'relaxed' | 'classroom' | 'brisk' | 'fast';
  readonly label: string;
  /** The room's speed (simulated seconds per clock period). */
  readonly speed: number;
  readonly hint: string;
}

/** The paces a teacher picks from when creating a room; `classroom` is the default. */
export const PACES: readonly Pace[] = [
  { id: 'relaxed', label: 'Relaxed', speed: 0.1, hint: 'Simulated time runs as fast as real time: long discussions, younger classes.' },
  { id: 'classroom', label: 'Classroom', speed: 0.25, hint: 'A simulated minute takes 24 s: time to think and to talk about each event.' },
  { id: 'brisk', label: 'Brisk', speed: 0.5, hint: 'A simulated minute takes 12 s: a class that knows the board.' },
  { id: 'fast', label: 'Fast', speed: 1, hint: 'A simulated minute takes 6 s: a quick demonstration.' },
];

export const DEFAULT_SPEED = 0.25;

/** Simulated seconds per real second at a speed. */
export const simPerRealSecond = (speed: number): number => speed * TICK_HZ;

/** Real seconds that `simS` simulated seconds take at `speed`. */
export const realSeconds = (simS: number, speed: number): number => (speed > 0 ? simS / simPerRealSecond(speed) : Infinity);

/** The pace a speed belongs to, if it is one of the named ones. */
export const paceOf = (speed: number): Pace | undefined => PACES.find((p) => p.speed === speed);

/** A real duration in words for people: "45 s", "4 min", "4 min 30 s", "1 h 5 min". */
export function realDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (s >= 600) return `${Math.round(s / 60)} min`;
  return rest ? `${m} min ${rest} s` : `${m} min`;
}

/** A real countdown as a clock, "4:05" (rounded up: a clock never shows 0:00 while time remains). */
export function realClock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The simulated clock a client shows `sinceMs` real milliseconds after a header arrived. The clock
 * is deterministic while the run goes on, so the server sends it only about once a second and each
 * client advances it from the phase and speed; the next header corrects it. Outside a running
 * clock (lobby, countdown, pause, debrief) it stands where the header put it.
 */
export function clockAt(header: { readonly phase: string; readonly timeS: number; readonly durationS: number; readonly speed: number; readonly countdown: number }, sinceMs: number): number {
  if (header.phase !== 'running' || header.countdown > 0 || sinceMs <= 0) return header.timeS;
  return Math.min(header.durationS, header.timeS + Math.floor((sinceMs / 1000) * simPerRealSecond(header.speed)));
}
