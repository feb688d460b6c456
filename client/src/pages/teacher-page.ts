import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ProtocolError } from '../../../shared/protocol/index.ts';
import { PROTOCOL_VERSION } from '../lib/protocol.ts';
import type { ClusterDetail, RoomStatic, TeacherView } from '../../../shared/views/types.ts';
import type { HostCommand, HostCommandEvent } from '../lib/events.ts';
import { LiveView } from '../lib/live-view.ts';
import { SocketController, type ClassSocket } from '../lib/socket-controller.ts';
import { hostToken, rememberReplay } from '../lib/storage.ts';
import { base, notice } from '../styles/shared.ts';
import '../components/teacher-screen.ts';

/** `/teach/CODE`: drives the room with the host token kept by the browser that created it. */
@customElement('cc-teacher-page')
export class TeacherPage extends LitElement {
  static override styles = [base, notice];

  @property() code = '';
  @state() private _room: RoomStatic | null = null;
  @state() private _view: TeacherView | null = null;
  @state() private _watching: string | null = null;
  @state() private _watched: ClusterDetail | null = null;
  @state() private _error: ProtocolError | null = null;
  @state() private _fatal: string | null = null;
  @state() private _notice: string | null = null;
  @state() private _replayId: string | null = null;
  @state() private _projectorToken: string | null = null;

  private _live = new LiveView<TeacherView>('host', (view) => (this._view = view));

  private _socket = new SocketController(this, {
    listen: (socket) => this._listen(socket),
    joined: () => void this._join(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = `Teach ${this.code} · ClusterClass`;
    this.addEventListener('cc-host-command', this._onCommand);
    this.addEventListener('cc-watch', this._onWatch);
    this.addEventListener('cc-dismiss-error', this._onDismiss);
  }

  override disconnectedCallback(): void {
    this.removeEventListener('cc-host-command', this._onCommand);
    this.removeEventListener('cc-watch', this._onWatch);
    this.removeEventListener('cc-dismiss-error', this._onDismiss);
    this._live.dispose();
    super.disconnectedCallback();
  }

  override render() {
    if (this._fatal)
      return html`<main class="notice panel" data-testid="teacher-fatal">
        <h1>Cannot open room ${this.code}</h1>
        <p>${this._fatal}</p>
        <p><a href="/host">Host a new session</a></p>
      </main>`;
    return html`<cc-teacher-screen
      .room=${this._room}
      .view=${this._view}
      .watched=${this._watched}
      .watching=${this._watching}
      .connection=${this._socket.connection}
      .error=${this._error}
      .notice=${this._notice}
      .replayId=${this._replayId}
      .projectorToken=${this._projectorToken}
    ></cc-teacher-screen>`;
  }

  private _listen(socket: ClassSocket) {
    socket.on('view:teacher', (delta) => {
      this._view = this._live.apply(delta);
    });
    socket.on('view:cluster', (detail) => {
      if (detail.cluster.id === this._watching) this._watched = detail;
    });
    socket.on('server:notice', (notice) => {
      this._notice = notice.message;
    });
    socket.on('room:left', (notice) => {
      this._socket.stop();
      this._fatal = notice.message;
    });
  }

  private async _join() {
    const token = hostToken(this.code);
    if (!token) {
      this._socket.stop();
      this._fatal = 'This browser does not hold the host key of this room: only the device that created it can teach it.';
      return;
    }
    this._live.restart();
    const reply = await this._socket.request('room:host', { protocol: PROTOCOL_VERSION, code: this.code, hostToken: token });
    if (!reply.ok) {
      if (reply.error.code === 'timeout') return;
      this._socket.stop();
      this._fatal = reply.error.message;
      return;
    }
    this._room = reply.room;
    this._replayId = reply.replayId;
    this._projectorToken = reply.projectorToken ?? null;
    if (reply.replayId) rememberReplay(this.code, reply.replayId);
    this._notice = null;
    // A reconnect starts a new server-side session: ask again for the cluster being watched.
    if (this._watching) void this._watch(this._watching);
  }

  private _onCommand = async (e: HostCommandEvent) => {
    e.stopPropagation();
    const reply = await this._send(e.detail);
    this._error = reply.ok ? null : reply.error;
  };

  private _send(command: HostCommand) {
    // One request per command; the union keeps payloads matched to their event names.
    return this._socket.request(command.event, command.payload as never);
  }

  private _onWatch = (e: CustomEvent<{ clusterId: string | null }>) => {
    e.stopPropagation();
    void this._watch(e.detail.clusterId);
  };

  private async _watch(clusterId: string | null) {
    this._watching = clusterId;
    this._watched = null;
    const reply = await this._socket.request('host:watch', { clusterId });
    if (!reply.ok) {
      this._error = reply.error;
      this._watching = null;
      return;
    }
    if (clusterId === this._watching) this._watched = reply.cluster;
  }

  private _onDismiss = () => {
    this._error = null;
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-teacher-page': TeacherPage;
  }
}
