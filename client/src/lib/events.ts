import type { ClientToServerEvents, PlayerActionInput } from '../../../shared/protocol/index.ts';

/**
 * The DOM events the screens raise. They bubble and cross shadow roots, so the page element
 * that owns the connection hears what any nested element asks for.
 */

/** A player action to send as `player:act`. */
export type ActEvent = CustomEvent<PlayerActionInput>;

type HostEventName = Exclude<Extract<keyof ClientToServerEvents, `host:${string}`>, never>;
export type HostCommand = { [E in HostEventName]: { event: E; payload: Parameters<ClientToServerEvents[E]>[0] } }[HostEventName];
/** A teacher command to send (host:control, host:inject, host:kick…). */
export type HostCommandEvent = CustomEvent<HostCommand>;

export const emit = <T>(from: EventTarget, name: string, detail: T): void => {
  from.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
};

export const act = (from: EventTarget, action: PlayerActionInput): void => emit(from, 'cc-act', action);
export const hostCommand = (from: EventTarget, command: HostCommand): void => emit(from, 'cc-host-command', command);

declare global {
  interface HTMLElementEventMap {
    'cc-act': ActEvent;
    'cc-host-command': HostCommandEvent;
    /** Open the placement dialog for an app. */
    'cc-place-app': CustomEvent<{ appId: string }>;
    /** Open the create-VM dialog, optionally on a host. */
    'cc-new-vm': CustomEvent<{ hostId: string | null }>;
    /** Open an instance's details (remove, CPU limit). */
    'cc-inspect': CustomEvent<{ instanceId: string }>;
  }
}
