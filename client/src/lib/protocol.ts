import type { NICKNAME_MAX as SHARED_NICKNAME_MAX, PROTOCOL_VERSION as SHARED_PROTOCOL_VERSION } from '../../../shared/protocol/index.ts';

// The protocol module also holds the server's zod schemas; importing its values would ship zod to
// every phone. These copies are typed as the shared literals, so a change there fails the typecheck.
export const PROTOCOL_VERSION: typeof SHARED_PROTOCOL_VERSION = 2;
export const NICKNAME_MAX: typeof SHARED_NICKNAME_MAX = 24;
