import type { ClientToServerEvents, PlayerActionInput, ProtocolError } from '../../../shared/protocol/index.ts';

/**
 * The DOM events the screens raise. They bubble and cross shadow roots, so the page element
 * that owns the connection hears what any nested element asks for.
 */

/**
 * A player action to send as `player:act`. The page that sends it sets `outcome`, so an element
 * that shows its own refusals (a dialog: `inPlace`) can wait for the server's answer.
 */
export class ActEvent extends CustomEvent<PlayerActionInput> {
  /** Resolves with the server's refusal, or null once the action was applied. */
  outcome: Promise<ProtocolError | null> | null = null;

  constructor(
    action: PlayerActionInput,
    /** The element that raised it shows a refusal itself, so the page need not. */
    readonly inPlace: boolean,
  ) {
    super('cc-act', { detail: action, bubbles: true, composed: true });
  }
}

type HostEventName = Exclude<Extract<keyof ClientToServerEvents, `host:${string}`>, never>;
export type HostCommand = { [E in HostEventName]: { event: E; payload: Parameters<ClientToServerEvents[E]>[0] } }[HostEventName];
/** A teacher command to send (host:control, host:inject, host:kick…). */
export type HostCommandEvent = CustomEvent<HostCommand>;

export const emit = <T>(from: EventTarget, name: string, detail: T): void => {
  from.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
};

/** Sends an action; a refusal is shown by the page, above the board. */
export const act = (from: EventTarget, action: PlayerActionInput): void => {
  from.dispatchEvent(new ActEvent(action, false));
};

/**
 * Sends an action whose refusal the caller shows where it was taken: resolves with the refusal,
 * or null once it was applied (or when no page sends actions here: a read-only board).
 */
export const actInPlace = (from: EventTarget, action: PlayerActionInput): Promise<ProtocolError | null> => {
  const event = new ActEvent(action, true);
  from.dispatchEvent(event);
  return event.outcome ?? Promise.resolve(null);
};

export const hostCommand = (from: EventTarget, command: HostCommand): void => emit(from, 'cc-host-command', command);

declare global {
  interface HTMLElementEventMap {
    'cc-act': ActEvent;
    'cc-host-command': HostCommandEvent;
    /** Open the placement dialog for an app. */
    'cc-place-app': CustomEvent<{ appId: string }>;
    /** Open the create-VM dialog, optionally on a host. */
    'cc-new-vm': CustomEvent<{ hostId: string | null }>;
    /** Open a VM's dialog: live migration, snapshots. */
    'cc-manage-vm': CustomEvent<{ vmId: string }>;
    /** Open an instance's details (limits, weight, volume, remove). */
    'cc-inspect': CustomEvent<{ instanceId: string }>;
    /** Tap-to-place: an app picked to place (null: the pick is dropped). */
    'cc-select-app': CustomEvent<{ appId: string | null }>;
    /** Tap-to-place: the host or VM tapped for the picked app. */
    'cc-place-on': CustomEvent<{ target: string }>;
    /** The Place dialog placed an app (the pick is done). */
    'cc-placed': CustomEvent<{ appId: string }>;
    /** A refusal for the page to show, from a dialog that was closed before the answer came. */
    'cc-refusal': CustomEvent<ProtocolError>;
  }
}
