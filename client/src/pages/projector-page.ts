import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PROTOCOL_VERSION } from '../lib/protocol.ts';
import type { ProjectorView, RoomStatic } from '../../../shared/views/types.ts';
import { LiveView } from '../lib/live-view.ts';
import { SocketController, type ClassSocket } from '../lib/socket-controller.ts';
import { hostToken } from '../lib/storage.ts';
import { base, notice } from '../styles/shared.ts';
import '../components/projector-screen.ts';

/** `/project/CODE`: the projector, opened from the teacher console on the same browser (it needs the host token). */
@customElement('cc-projector-page')
export class ProjectorPage extends LitElement {
  static override styles = [base, notice];

  @property() code = '';
  @state() private _room: RoomStatic | null = null;
  @state() private _view: ProjectorView | null = null;
  @state() private _error: string | null = null;

  private _live = new LiveView<ProjectorView>();

  private _socket = new SocketController(this, {
    listen: (socket) => this._listen(socket),
    joined: () => void this._join(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = `Room ${this.code} · ClusterClass`;
  }

  override render() {
    if (this._error)
      return html`<main class="notice panel" data-testid="projector-error">
        <h1>Cannot show room ${this.code}</h1>
        <p>${this._error}</p>
      </main>`;
    return html`<cc-projector-screen .room=${this._room} .view=${this._view} joinUrl="${location.origin}/join/${this.code}"></cc-projector-screen>`;
  }

  private _listen(socket: ClassSocket) {
    socket.on('view:projector', (patch) => {
      this._view = this._live.apply(patch);
    });
    socket.on('room:left', (notice) => {
      this._socket.stop();
      this._error = notice.message;
    });
  }

  private async _join() {
    const token = hostToken(this.code);
    if (!token) {
      this._socket.stop();
      this._error = 'This browser does not hold the host key of this room. Open the projector from the teacher console on the device that created the room.';
      return;
    }
    this._live.restart();
    const reply = await this._socket.request('room:project', { protocol: PROTOCOL_VERSION, code: this.code, hostToken: token });
    if (reply.ok) this._room = reply.room;
    else if (reply.error.code !== 'timeout') {
      this._socket.stop();
      this._error = reply.error.message;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-page': ProjectorPage;
  }
}
