import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProtocolError } from '../../../shared/protocol/index.ts';
import { base } from '../styles/shared.ts';
import './concept-tag.ts';

/**
 * A refused action, explained: the server's message and the idea behind it. It sits in a live
 * region its parent keeps in place (`role="alert"`), so a screen reader reads it as it appears:
 * above the board, or in the dialog where the action was taken. A new one is scrolled into view.
 *
 * @fires cc-dismiss-refusal - the player has read it
 */
@customElement('cc-refusal-note')
export class RefusalNote extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        /* Clear of the board's sticky header when scrolled into view. */
        scroll-margin-top: 4rem;
      }
      .refusal {
        border: 2px solid var(--cc-danger);
        border-left-width: 8px;
        background: var(--cc-danger-soft);
        border-radius: 6px;
        padding: 0.5rem 0.75rem;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.35rem;
      }
      .head {
        display: flex;
        justify-content: space-between;
        gap: 0.5rem;
        align-items: flex-start;
      }
      .head > span {
        min-width: 0;
        overflow-wrap: anywhere;
      }
      strong {
        color: var(--cc-danger);
      }
    `,
  ];

  @property({ attribute: false }) refusal: ProtocolError | null = null;
  /** A toast: the idea behind it is a tag to open ("why?"), so the note stays small over the board. */
  @property({ type: Boolean }) compact = false;

  override render() {
    const r = this.refusal;
    if (!r) return html``;
    return html`<div class="refusal" data-testid="refusal" data-code=${r.code} data-concept=${r.concept ?? ''}>
      <div class="head">
        <span><strong>Not possible:</strong> <span data-testid="refusal-message">${r.message}</span></span>
        <button type="button" class="small" data-testid="refusal-dismiss" @click=${this._onDismiss}>Dismiss</button>
      </div>
      ${r.concept ? html`<cc-concept-tag concept=${r.concept} ?explained=${!this.compact}></cc-concept-tag>` : ''}
    </div>`;
  }

  override updated(changed: PropertyValues<this>): void {
    // A new refusal may land out of sight (a long dialog on a phone, a drop far down the board).
    if (changed.has('refusal') && this.refusal) this.scrollIntoView({ block: 'nearest' });
  }

  private _onDismiss() {
    this.dispatchEvent(new CustomEvent('cc-dismiss-refusal', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-refusal-note': RefusalNote;
  }
}
