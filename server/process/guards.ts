import type { Logger } from 'pino';

/**
 * The last line of defence: a promise that rejects with nobody listening would, by Node's
 * default, end the process and every class on it. Every background task handles its own
 * failures; if one still slips through, it is logged loudly and the server keeps serving.
 */
export function guardProcess(proc: Pick<NodeJS.Process, 'on'>, log: Pick<Logger, 'error'>): void {
  proc.on('unhandledRejection', (reason: unknown) => {
    log.error({ err: reason }, 'UNHANDLED REJECTION: a background task failed with nothing to catch it (a bug to fix); the server keeps serving');
  });
}
