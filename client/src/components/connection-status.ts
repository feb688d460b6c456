import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { icon, type IconName } from '../lib/icons.ts';
import type { Connection } from '../lib/socket-controller.ts';

const TEXT: Record<Connection, { icon: IconName; label: string }> = {
  connecting: { icon: 'ring', label: 'Connecting…' },
  online: { icon: 'dot', label: 'Connected' },
  reconnecting: { icon: 'ring', label: 'Reconnecting…' },
  offline: { icon: 'cross', label: 'Offline' },
};

/** The state of the live connection, in words, announced politely when it changes. */
@customElement('cc-connection-status')
export class ConnectionStatus extends LitElement {
  static override styles = css`
    .icon {
      width: 0.9em;
      height: 0.9em;
    }
    :host {
      display: inline-flex;
    }
    span {
      display: inline-flex;
      gap: 0.35em;
      align-items: center;
      font-size: 0.85rem;
      font-weight: 700;
      border-radius: 999px;
      padding: 0.1em 0.7em;
      border: 1px solid currentColor;
      white-space: nowrap;
    }
    .online {
      color: var(--cc-ok);
      background: var(--cc-ok-soft);
    }
    .connecting,
    .reconnecting {
      color: var(--cc-warn);
      background: var(--cc-warn-soft);
    }
    .offline {
      color: var(--cc-danger);
      background: var(--cc-danger-soft);
    }
  `;

  @property() connection: Connection = 'connecting';

  override render() {
    const t = TEXT[this.connection];
    return html`<span role="status" class=${this.connection} data-testid="connection-status" data-state=${this.connection}
      >${icon(t.icon)}${t.label}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-connection-status': ConnectionStatus;
  }
}
