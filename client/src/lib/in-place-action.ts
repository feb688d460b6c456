import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PlayerActionInput, ProtocolError } from '../../../shared/protocol/index.ts';
import { actInPlace, emit } from './events.ts';

/**
 * A dialog's actions, with their refusals shown in the dialog: while one is on its way the dialog
 * is `busy` (its buttons wait); a refusal stays in `refusal` until the next try or a dismissal. If
 * the dialog was closed before the answer came, the refusal goes to the page instead, so it is
 * never lost.
 */
export class InPlaceAction implements ReactiveController {
  busy = false;
  refusal: ProtocolError | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly isOpen: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Sends the action; resolves true once it was applied. */
  async run(action: PlayerActionInput): Promise<boolean> {
    this.busy = true;
    this.refusal = null;
    this.host.requestUpdate();
    const refusal = await actInPlace(this.host, action);
    this.busy = false;
    if (refusal && this.isOpen()) this.refusal = refusal;
    else if (refusal) emit(this.host, 'cc-refusal', refusal);
    this.host.requestUpdate();
    return refusal === null;
  }

  clear(): void {
    if (this.refusal === null) return;
    this.refusal = null;
    this.host.requestUpdate();
  }
}
