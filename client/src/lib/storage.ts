/**
 * What this browser remembers: a device id, the last nickname, a resume token per room (so a
 * refresh returns to the same seat) and, for teachers, the host token of each room they made.
 * Storage can be unavailable (private modes, policies): every access degrades to "not stored".
 */

export interface HostedSession {
  readonly code: string;
  readonly title: string;
  readonly createdAt: number;
  /** Where the session's replay will be (`/replay/ID`), once the console has been opened. */
  readonly replayId?: string;
}

const KEYS = {
  device: 'cc:device',
  nickname: 'cc:nickname',
  sessions: 'cc:sessions',
  resume: (code: string) => `cc:resume:${code}`,
  host: (code: string) => `cc:host:${code}`,
  projector: (code: string) => `cc:projector:${code}`,
  joinError: 'cc:join-error',
} as const;

function read(key: string, store: Storage | null = local()): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string | null, store: Storage | null = local()): void {
  try {
    if (value === null) store?.removeItem(key);
    else store?.setItem(key, value);
  } catch {
    // Full or forbidden storage: the feature it backs degrades, the game goes on.
  }
}

function local(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function session(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** Random hex; crypto.randomUUID needs a secure context, and classrooms often use plain http on a LAN. */
export function randomToken(bytes = 16): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function deviceId(): string {
  const known = read(KEYS.device);
  if (known && known.length >= 10 && known.length <= 100) return known;
  const id = randomToken();
  write(KEYS.device, id);
  return id;
}

export const savedNickname = (): string => read(KEYS.nickname) ?? '';
export const saveNickname = (nickname: string): void => write(KEYS.nickname, nickname);

export const resumeToken = (code: string): string | null => read(KEYS.resume(code));
export const saveResumeToken = (code: string, token: string | null): void => write(KEYS.resume(code), token);

export const hostToken = (code: string): string | null => read(KEYS.host(code));
export const saveHostToken = (code: string, token: string): void => write(KEYS.host(code), token);

/**
 * The projector key read from a `#key=` link. Kept for this tab only (sessionStorage): a refresh
 * of the projector still works after the key left the address bar, and nothing outlives the tab.
 */
export const projectorKey = (code: string): string | null => read(KEYS.projector(code), session());
export const saveProjectorKey = (code: string, token: string): void => write(KEYS.projector(code), token, session());

export function hostedSessions(): HostedSession[] {
  try {
    const parsed: unknown = JSON.parse(read(KEYS.sessions) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (s): s is HostedSession => typeof s === 'object' && s !== null && typeof s.code === 'string' && typeof s.title === 'string' && typeof s.createdAt === 'number',
    );
  } catch {
    return [];
  }
}

export function rememberSession(entry: HostedSession): void {
  const rest = hostedSessions().filter((s) => s.code !== entry.code);
  write(KEYS.sessions, JSON.stringify([entry, ...rest].slice(0, 20)));
}

/** Adds the replay id to a hosted session (the server tells the console, not the setup page). */
export function rememberReplay(code: string, replayId: string): void {
  const sessions = hostedSessions();
  const known = sessions.find((s) => s.code === code);
  if (!known || known.replayId === replayId) return;
  write(KEYS.sessions, JSON.stringify(sessions.map((s) => (s.code === code ? { ...s, replayId } : s))));
}

export function forgetSession(code: string): void {
  write(KEYS.sessions, JSON.stringify(hostedSessions().filter((s) => s.code !== code)));
  write(KEYS.host(code), null);
}

/** A student's attempt at an assignment, kept so a reload resumes it; `atS`: how far their clock got. */
export interface KeptAttempt {
  readonly attemptId: string;
  readonly attemptToken: string;
  readonly nickname: string;
  readonly atS: number;
}

/** An assignment this teacher made on this device. */
export interface HostedAssignment {
  readonly id: string;
  readonly title: string;
  readonly deadlineMs: number;
  readonly createdAt: number;
}

const ASSIGNMENT_KEYS = {
  attempt: (id: string) => `cc:attempt:${id}`,
  teacher: (id: string) => `cc:assignment-teacher:${id}`,
  list: 'cc:assignments',
} as const;

export function keptAttempt(id: string): KeptAttempt | null {
  try {
    const a: unknown = JSON.parse(read(ASSIGNMENT_KEYS.attempt(id)) ?? 'null');
    if (typeof a !== 'object' || a === null) return null;
    const { attemptId, attemptToken, nickname, atS } = a as Record<string, unknown>;
    if (typeof attemptId !== 'string' || typeof attemptToken !== 'string' || typeof nickname !== 'string') return null;
    return { attemptId, attemptToken, nickname, atS: typeof atS === 'number' && Number.isFinite(atS) && atS >= 0 ? atS : 0 };
  } catch {
    return null;
  }
}

export const keepAttempt = (id: string, attempt: KeptAttempt | null): void => write(ASSIGNMENT_KEYS.attempt(id), attempt ? JSON.stringify(attempt) : null);

export const assignmentTeacherToken = (id: string): string | null => read(ASSIGNMENT_KEYS.teacher(id));
export const saveAssignmentTeacherToken = (id: string, token: string): void => write(ASSIGNMENT_KEYS.teacher(id), token);

export function hostedAssignments(): HostedAssignment[] {
  try {
    const parsed: unknown = JSON.parse(read(ASSIGNMENT_KEYS.list) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (a): a is HostedAssignment =>
        typeof a === 'object' && a !== null && typeof a.id === 'string' && typeof a.title === 'string' && typeof a.deadlineMs === 'number' && typeof a.createdAt === 'number',
    );
  } catch {
    return [];
  }
}

export function rememberAssignment(entry: HostedAssignment): void {
  const rest = hostedAssignments().filter((a) => a.id !== entry.id);
  write(ASSIGNMENT_KEYS.list, JSON.stringify([entry, ...rest].slice(0, 20)));
}

/** Forgets an assignment on this device (after deleting it, or when the teacher asks). */
export function forgetAssignment(id: string): void {
  write(ASSIGNMENT_KEYS.list, JSON.stringify(hostedAssignments().filter((a) => a.id !== id)));
  write(ASSIGNMENT_KEYS.teacher(id), null);
}

/** A join refusal carried from the board back to the join form (one page load only). */
export const takeJoinError = (): string | null => {
  const message = read(KEYS.joinError, session());
  write(KEYS.joinError, null, session());
  return message;
};
export const putJoinError = (message: string): void => write(KEYS.joinError, message, session());
