import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { base } from '../styles/shared.ts';

export interface ConfirmRequest {
  readonly title: string;
  readonly message: string;
  readonly confirm: string;
}

/** A native modal "are you sure?" that resolves true only when the action is confirmed. */
@customElement('cc-confirm-dialog')
export class ConfirmDialog extends LitElement {
  static override styles = [
    base,
    css`
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
        margin-top: 1rem;
      }
    `,
  ];

  @state() private _request: ConfirmRequest | null = null;
  @query('dialog') private _dialog!: HTMLDialogElement;
  private _resolve: ((ok: boolean) => void) | null = null;

  async ask(request: ConfirmRequest): Promise<boolean> {
    this._resolve?.(false);
    this._request = request;
    await this.updateComplete;
    this._dialog.returnValue = '';
    this._dialog.showModal();
    return new Promise<boolean>((resolve) => (this._resolve = resolve));
  }

  override render() {
    const r = this._request;
    return html`<dialog aria-labelledby="confirm-title" aria-describedby="confirm-message" data-testid="confirm-dialog" @close=${this._onClose}>
      <form method="dialog">
        <h2 id="confirm-title">${r?.title ?? ''}</h2>
        <p id="confirm-message">${r?.message ?? ''}</p>
        <div class="actions">
          <button value="cancel" data-testid="confirm-cancel" autofocus>Cancel</button>
          <button value="ok" class="primary danger" data-testid="confirm-ok">${r?.confirm ?? 'OK'}</button>
        </div>
      </form>
    </dialog>`;
  }

  private _onClose() {
    this._resolve?.(this._dialog.returnValue === 'ok');
    this._resolve = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-confirm-dialog': ConfirmDialog;
  }
}
