/**
 * The self-paced assignments REST API (`/api/assignments`, docs/PROTOCOL.md), as the student page
 * and the teacher's console use it. Tokens travel only as `Authorization: Bearer`.
 */
import type { Concept } from '../../../shared/engine/concepts.ts';
import type { PlanAction } from '../../../shared/engine/run.ts';
import type { AnswerResult, CheckStage, ConceptGain, QuestionPrompt, Tally } from '../../../shared/learning/types.ts';
import type { Scenario } from '../../../shared/scenario/schema.ts';
import { ApiError } from './api.ts';

export interface AssignmentInfo {
  readonly id: string;
  readonly title: string;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly engineVersion: number;
  readonly deadlineMs: number;
  readonly closed: boolean;
  readonly checks: null | { readonly before: readonly QuestionPrompt[]; readonly after: readonly QuestionPrompt[] };
}

export interface CreateAssignmentRequest {
  readonly scenarioId?: string;
  readonly scenario?: unknown;
  readonly deadlineMs: number;
  readonly checks: boolean;
  readonly title?: string;
  readonly passcode?: string;
}

export interface ConceptCount {
  readonly concept: Concept;
  readonly count: number;
}

export interface AttemptResult {
  readonly total: number;
  readonly availability: number;
  readonly cost: number;
  readonly security: number;
  readonly spend: number;
  readonly budget: number;
  readonly rejections: number;
  readonly concepts: readonly ConceptCount[];
}

export interface StartedAttempt {
  readonly attemptId: string;
  readonly attemptToken: string;
  readonly nickname: string;
}

export interface AttemptState {
  readonly attemptId: string;
  readonly nickname: string;
  readonly actions: readonly PlanAction[];
  readonly answers: { readonly before: readonly AnswerResult[]; readonly after: readonly AnswerResult[] };
  readonly finished: boolean;
  readonly result: AttemptResult | null;
  readonly replayId: string | null;
}

export interface AttemptProgress {
  readonly attemptId: string;
  readonly nickname: string;
  readonly startedAtMs: number;
  readonly lastActiveMs: number;
  readonly actions: number;
  readonly atS: number;
  readonly finished: boolean;
  readonly finishedAtMs: number | null;
  readonly result: AttemptResult | null;
  readonly claimedTotal?: number;
  readonly checks: { readonly before: Tally; readonly after: Tally };
  readonly replayId: string | null;
}

export interface AssignmentProgress {
  readonly assignment: {
    readonly id: string;
    readonly title: string;
    readonly scenario: { readonly id: string; readonly title: string; readonly durationS: number };
    readonly deadlineMs: number;
    readonly closed: boolean;
    readonly checks: boolean;
    readonly createdAtMs: number;
  };
  readonly attempts: readonly AttemptProgress[];
  readonly summary: { readonly started: number; readonly finished: number; readonly averageTotal: number | null };
  readonly concepts: readonly ConceptGain[];
  readonly missed: readonly ConceptCount[];
}

/** "Friday 5 Dec, 17:00": a deadline as a student reads it, in their own time zone. */
export function deadlineText(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'short' });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return `${day}, ${time}`;
}

const base = (id: string) => `/api/assignments/${encodeURIComponent(id)}`;

async function request<T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError('network', 'Cannot reach the ClusterClass server. Check your network connection.', 0);
  }
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return body as T;
  throw apiError(res, body);
}

/** The error a refusal carries; `kept` rides along on a `bad-seq`. */
export class AssignmentApiError extends ApiError {
  constructor(
    code: string,
    message: string,
    status: number,
    details: readonly string[],
    readonly kept: number | null,
  ) {
    super(code, message, status, details);
  }
}

function apiError(res: Response, body: unknown): AssignmentApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; kept?: unknown } } | null)?.error;
  const details = Array.isArray(error?.details) ? error.details.map(String) : [];
  // `kept` may be on the error itself or in its details object.
  const rawKept = error?.kept ?? (error?.details && typeof error.details === 'object' && !Array.isArray(error.details) ? (error.details as { kept?: unknown }).kept : undefined);
  return new AssignmentApiError(
    typeof error?.code === 'string' ? error.code : `http-${res.status}`,
    typeof error?.message === 'string' ? error.message : `The server answered ${res.status} ${res.statusText}.`,
    res.status,
    details,
    typeof rawKept === 'number' && Number.isInteger(rawKept) ? rawKept : null,
  );
}

export const createAssignment = (body: CreateAssignmentRequest): Promise<{ id: string; teacherToken: string }> => request('/api/assignments', { method: 'POST', body });
export const getAssignment = (id: string): Promise<AssignmentInfo> => request(base(id));
export const startAttempt = (id: string, nickname: string): Promise<StartedAttempt> => request(`${base(id)}/attempts`, { method: 'POST', body: { nickname } });
export const getAttempt = (id: string, attemptId: string, token: string): Promise<AttemptState> => request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}`, { token });
export const sendActions = (id: string, attemptId: string, token: string, from: number, actions: readonly PlanAction[]): Promise<{ kept: number }> =>
  request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}/actions`, { method: 'POST', token, body: { from, actions } });
export const sendAnswers = (id: string, attemptId: string, token: string, stage: CheckStage, answers: readonly { questionId: string; choice: number }[]): Promise<{ results: AnswerResult[] }> =>
  request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}/answers`, { method: 'POST', token, body: { stage, answers } });
export const finishAttempt = (id: string, attemptId: string, token: string, claimedTotal: number): Promise<{ result: AttemptResult; replayId: string }> =>
  request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}/finish`, { method: 'POST', token, body: { claimed: { total: claimedTotal } } });
export const getProgress = (id: string, token: string): Promise<AssignmentProgress> => request(`${base(id)}/progress`, { token });
export const deleteAssignment = (id: string, token: string): Promise<void> => request(base(id), { method: 'DELETE', token });

/** Saves the assignment's report as a file (fetched with the bearer token, never in the URL). */
export async function downloadAssignmentReport(id: string, token: string, format: 'csv' | 'json'): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${base(id)}/report.${format}`, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError('network', 'Cannot reach the ClusterClass server. Check your network connection.', 0);
  }
  if (!res.ok) throw apiError(res, await res.json().catch(() => null));
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `clusterclass-assignment-${id}-report.${format}`;
  const url = URL.createObjectURL(await res.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
