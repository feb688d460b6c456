/**
 * The self-paced assignments REST API (`/api/assignments`, docs/PROTOCOL.md), as the student page
 * and the teacher's console use it. Tokens travel only as `Authorization: Bearer`.
 */
import type { PlanAction } from '../../../shared/engine/run.ts';
import type { CheckStage } from '../../../shared/learning/types.ts';
import type {
  ActionsRequest,
  AnswersReply,
  AnswersRequest,
  AssignmentProgress,
  AssignmentView,
  AttemptView,
  CreateAssignmentRequest,
  CreatedAssignment,
  FinishedAttempt,
  FinishRequest,
  KeptActions,
  StartedAttempt,
} from '../../../shared/protocol/assignments.ts';
import { ApiError, downloadFile, networkError, refusalOf } from './api.ts';

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
    throw networkError();
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
  const { code, message, status, details } = refusalOf(res, body);
  const error = (body as { error?: { details?: unknown; kept?: unknown } } | null)?.error;
  // `kept` may be on the error itself or in its details object.
  const rawKept = error?.kept ?? (error?.details && typeof error.details === 'object' && !Array.isArray(error.details) ? (error.details as { kept?: unknown }).kept : undefined);
  return new AssignmentApiError(code, message, status, details, typeof rawKept === 'number' && Number.isInteger(rawKept) ? rawKept : null);
}

export const createAssignment = (body: CreateAssignmentRequest): Promise<CreatedAssignment> => request('/api/assignments', { method: 'POST', body });
export const getAssignment = (id: string): Promise<AssignmentView> => request(base(id));
export const startAttempt = (id: string, nickname: string): Promise<StartedAttempt> => request(`${base(id)}/attempts`, { method: 'POST', body: { nickname } });
export const getAttempt = (id: string, attemptId: string, token: string): Promise<AttemptView> => request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}`, { token });
export const sendActions = (id: string, attemptId: string, token: string, from: number, actions: readonly PlanAction[]): Promise<KeptActions> =>
  request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}/actions`, { method: 'POST', token, body: { from, actions } satisfies ActionsRequest });
export const sendAnswers = (id: string, attemptId: string, token: string, stage: CheckStage, answers: AnswersRequest['answers']): Promise<AnswersReply> =>
  request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}/answers`, { method: 'POST', token, body: { stage, answers } satisfies AnswersRequest });
export const finishAttempt = (id: string, attemptId: string, token: string, claimedTotal: number): Promise<FinishedAttempt> =>
  request(`${base(id)}/attempts/${encodeURIComponent(attemptId)}/finish`, { method: 'POST', token, body: { claimed: { total: claimedTotal } } satisfies FinishRequest });
export const getProgress = (id: string, token: string): Promise<AssignmentProgress> => request(`${base(id)}/progress`, { token });
export const deleteAssignment = (id: string, token: string): Promise<void> => request(base(id), { method: 'DELETE', token });

/** Saves the assignment's report as a file (teacher token). */
export const downloadAssignmentReport = (id: string, token: string, format: 'csv' | 'json'): Promise<void> =>
  downloadFile(`${base(id)}/report.${format}`, token, `clusterclass-assignment-${id}-report.${format}`);
