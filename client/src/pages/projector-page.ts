import { LitElement, css, html, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PROTOCOL_VERSION } from '../lib/protocol.ts';
import type { ProjectorView, RoomStatic } from '../../../shared/views/types.ts';
import { LiveView } from '../lib/live-view.ts';
import { keyFromHash } from '../lib/router.ts';
import { SocketController, type ClassSocket } from '../lib/socket-controller.ts';
import { hostToken, projectorKey, saveProjectorKey } from '../lib/storage.ts';
import { base, notice } from '../styles/shared.ts';
import '../components/projector-screen.ts';

/**
 * `/project/CODE#key=TOKEN`: the projector, read-only. The key comes from the link's fragment (never
 * sent to a server, and taken off the address bar once read, so it is not on the big screen), kept
 * for this tab only; without one, the host key of a browser that created the room works too.
 */
@customElement('cc-projector-page')
export class ProjectorPage extends LitElement {
  static override styles = [
    base,
    notice,
    css`
      /* Read across a room: the message is for whoever stands at the projector. */
      .notice {
        font-size: clamp(16px, 1.5vw, 32px);
        max-width: 42em;
      }
      .notice h1 {
        font-size: 1.8em;
      }
      ol {
        padding-left: 1.4em;
      }
      li {
        margin-bottom: 0.4em;
      }
    `,
  ];

  @property() code = '';
  @state() private _room: RoomStatic | null = null;
  @state() private _view: ProjectorView | null = null;
  @state() private _error: { title: string; message: string | TemplateResult } | null = null;

  private _live = new LiveView<ProjectorView>('host', (view) => (this._view = view));
  private _key: string | null = null;

  private _socket = new SocketController(this, {
    listen: (socket) => this._listen(socket),
    joined: () => void this._join(),
  });

  override connectedCallback(): void {
    // Read the key before the socket controller connects (super adds it to the page).
    const fromLink = keyFromHash(location.hash);
    if (fromLink) {
      saveProjectorKey(this.code, fromLink);
      history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    }
    this._key = fromLink ?? projectorKey(this.code);
    super.connectedCallback();
    document.title = `Room ${this.code} · ClusterClass`;
  }

  override disconnectedCallback(): void {
    this._live.dispose();
    super.disconnectedCallback();
  }

  override render() {
    if (this._error)
      return html`<main class="notice panel" data-testid="projector-error">
        <h1>${this._error.title}</h1>
        ${typeof this._error.message === 'string' ? html`<p>${this._error.message}</p>` : this._error.message}
      </main>`;
    return html`<cc-projector-screen .room=${this._room} .view=${this._view} joinUrl="${location.origin}/join/${this.code}"></cc-projector-screen>`;
  }

  private _listen(socket: ClassSocket) {
    socket.on('view:projector', (delta) => {
      this._view = this._live.apply(delta);
    });
    socket.on('room:left', (notice) => {
      this._socket.stop();
      this._error = { title: `Room ${this.code} is over`, message: notice.message };
    });
  }

  private async _join() {
    const host = this._key ? null : hostToken(this.code);
    if (!this._key && !host) {
      this._socket.stop();
      this._error = {
        title: `Room ${this.code}: this screen needs the projector link`,
        message: html`<ol>
            <li>On the teacher console of room ${this.code}, find <strong>Projector</strong>.</li>
            <li>Press <strong>Copy link</strong> and open that link in this browser. It ends in <code>#key=…</code>.</li>
          </ol>
          <p>Or press <strong>Open projector</strong> on the teacher's own device.</p>`,
      };
      return;
    }
    this._live.restart();
    const payload = this._key ? { protocol: PROTOCOL_VERSION, code: this.code, projectorToken: this._key } : { protocol: PROTOCOL_VERSION, code: this.code, hostToken: host! };
    const reply = await this._socket.request('room:project', payload);
    if (reply.ok) this._room = reply.room;
    else if (reply.error.code !== 'timeout') {
      this._socket.stop();
      this._error = {
        title: `Cannot show room ${this.code}`,
        message:
          reply.error.code === 'forbidden'
            ? 'This projector link is not valid for this room. Copy the projector link again from the teacher console.'
            : reply.error.message,
      };
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-page': ProjectorPage;
  }
}
