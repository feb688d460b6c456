/** The server's REST API, as the clients use it. */

export interface ServerConfig {
  readonly protocol: number;
  readonly teacherPasscodeRequired: boolean;
}

export interface ScenarioSummary {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly durationS: number;
  readonly hosts: number;
  readonly apps: number;
}

export interface RoomInfo {
  readonly code: string;
  readonly title: string;
  readonly summary: string;
  readonly phase: string;
  readonly mode: 'solo' | 'teams';
  readonly players: number;
  readonly locked: boolean;
}

export interface CreateRoomRequest {
  readonly scenarioId?: string;
  readonly scenario?: unknown;
  readonly mode: 'solo' | 'teams';
  readonly passcode?: string;
  /** The room's pace: simulated seconds per clock period (shared/views/pace.ts), 0.1..20. */
  readonly speed?: number;
  /** Team mode: how many teams to make, 2..12. */
  readonly teams?: number;
  /** Concept checks: about five questions before the run and after the debrief. */
  readonly checks?: boolean;
}

export interface CreatedRoom {
  readonly code: string;
  readonly hostToken: string;
  /** The read-only key of the projector link (`/project/CODE#key=TOKEN`). */
  readonly projectorToken: string | null;
}

/** A refusal from the API, with the per-path problems of an uploaded scenario when there are any. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a fetch that never reached the server throws. */
export const networkError = (): ApiError => new ApiError('network', 'Cannot reach the ClusterClass server. Check your network connection.', 0);

/** The refusal in a non-2xx answer's body (`{error: {code, message, details?}}`), or one made up from its status. */
export function refusalOf(res: Response, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const details = Array.isArray(error?.details) ? error.details.map(String) : [];
  return new ApiError(
    typeof error?.code === 'string' ? error.code : `http-${res.status}`,
    typeof error?.message === 'string' ? error.message : `The server answered ${res.status} ${res.statusText}.`,
    res.status,
    details,
  );
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) } });
  } catch {
    throw networkError();
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return body as T;
  throw refusalOf(res, body);
}

export const getConfig = (): Promise<ServerConfig> => call('/api/config');
export const getScenarios = (): Promise<ScenarioSummary[]> => call('/api/scenarios');
export const getRoom = (code: string): Promise<RoomInfo> => call(`/api/rooms/${encodeURIComponent(code)}`);
export const createRoom = (request: CreateRoomRequest): Promise<CreatedRoom> => call('/api/rooms', { method: 'POST', body: JSON.stringify(request) });
/**
 * Deletes a session and everything kept about it (docs/PRIVACY.md): the live room, its log and its
 * replay. Resolves when it is gone, or was already; the host token goes as a bearer token.
 */
export async function deleteSession(code: string, token: string, replayId: string | null): Promise<void> {
  let res: Response;
  try {
    const query = replayId ? `?replay=${encodeURIComponent(replayId)}` : '';
    res = await fetch(`/api/rooms/${encodeURIComponent(code)}${query}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw networkError();
  }
  // Nothing left to delete is what the teacher asked for.
  if (res.ok || res.status === 404) return;
  throw refusalOf(res, await res.json().catch(() => null));
}

/** A classroom-safe nickname nobody in that room uses yet. */
export const suggestNickname = (code: string): Promise<{ nickname: string }> => call(`/api/rooms/${encodeURIComponent(code)}/nickname`);

/**
 * Saves what `url` answers as a file, named as its Content-Disposition says (else `fallbackName`).
 * Fetched with the token as a bearer token (not in the URL, where it would stay in the browser's
 * history), then handed to the browser as a download.
 */
export async function downloadFile(url: string, token: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw networkError();
  }
  if (!res.ok) throw refusalOf(res, await res.json().catch(() => null));
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const blobUrl = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: blobUrl, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
}

/** Saves the teacher's report of a live session (host token). */
export const downloadReport = (code: string, token: string, format: 'csv' | 'json'): Promise<void> =>
  downloadFile(`/api/rooms/${encodeURIComponent(code)}/report.${format}`, token, `clusterclass-${code}-report.${format}`);
