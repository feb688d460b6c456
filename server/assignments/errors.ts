/** Every `error.code` the assignment API answers with, and its HTTP status (docs/PROTOCOL.md, REST). */
export const ASSIGNMENT_ERRORS = {
  'bad-request': 400,
  'bad-json': 400,
  'bad-request-size': 400,
  'request-aborted': 400,
  'bad-scenario': 400,
  'bad-deadline': 400,
  'bad-nickname': 400,
  'bad-action': 400,
  'unknown-question': 400,
  'token-in-url': 400,
  'passcode-required': 401,
  'forbidden': 403,
  'unknown-scenario': 404,
  'assignment-not-found': 404,
  'not-found': 404,
  'nickname-taken': 409,
  'assignment-full': 409,
  'bad-seq': 409,
  'attempt-finished': 409,
  'too-many-actions': 409,
  'action-out-of-order': 409,
  'wrong-stage': 409,
  'checks-off': 409,
  'engine-changed': 409,
  'assignment-closed': 410,
  'payload-too-large': 413,
  'unsupported-encoding': 415,
  'unsupported-charset': 415,
  'rate-limited': 429,
  'server-busy': 503,
  'store-unavailable': 503,
  'internal': 500,
} as const;
export type AssignmentErrorCode = keyof typeof ASSIGNMENT_ERRORS;
export const ASSIGNMENT_ERROR_CODES = Object.keys(ASSIGNMENT_ERRORS) as AssignmentErrorCode[];

/** A refusal the API answers with its code, status and message; `kept` goes with `bad-seq`. */
export class AssignmentError extends Error {
  override readonly name = 'AssignmentError';

  constructor(
    readonly code: AssignmentErrorCode,
    message: string,
    readonly extra: { readonly kept?: number; readonly details?: readonly string[] } = {},
  ) {
    super(message);
  }

  get status(): number {
    return ASSIGNMENT_ERRORS[this.code];
  }
}
