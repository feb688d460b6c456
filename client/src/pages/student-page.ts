import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PlayerActionInput, ProtocolError } from '../../../shared/protocol/index.ts';
import { PROTOCOL_VERSION } from '../lib/protocol.ts';
import type { RoomStatic, StudentView } from '../../../shared/views/types.ts';
import type { ActEvent } from '../lib/events.ts';
import { navigate } from '../lib/router.ts';
import { LiveView } from '../lib/live-view.ts';
import { SocketController, type ClassSocket } from '../lib/socket-controller.ts';
import { deviceId, putJoinError, resumeToken, saveNickname, saveResumeToken, savedNickname } from '../lib/storage.ts';
import { base, notice } from '../styles/shared.ts';
import '../components/student-screen.ts';

/** Refusals that mean "pick another nickname" go back to the join form. */
const NICKNAME_ERRORS = new Set(['bad-nickname', 'nickname-taken']);

/**
 * `/play/CODE`: joins the room as a student (again on every reconnect, with the resume token so
 * a refresh or a dropped network returns to the same seat) and sends the board's actions.
 */
@customElement('cc-student-page')
export class StudentPage extends LitElement {
  static override styles = [
    base,
    notice,
    css`
      .notice {
        max-width: 36rem;
        padding: 1.5rem;
      }
    `,
  ];

  @property() code = '';
  @state() private _room: RoomStatic | null = null;
  @state() private _view: StudentView | null = null;
  @state() private _refusal: ProtocolError | null = null;
  @state() private _ready = false;
  @state() private _notice: string | null = null;
  /** Why this page stopped: kicked, room closed, join refused. */
  @state() private _stopped: { title: string; message: string; rejoin: boolean } | null = null;

  private _live = new LiveView<StudentView>();

  private _socket = new SocketController(this, {
    listen: (socket) => this._listen(socket),
    joined: (socket) => void this._join(socket),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('cc-act', this._onAct);
    this.addEventListener('cc-dismiss-refusal', this._onDismiss);
    this.addEventListener('cc-refusal', this._onRefusal);
  }

  override disconnectedCallback(): void {
    this.removeEventListener('cc-act', this._onAct);
    this.removeEventListener('cc-dismiss-refusal', this._onDismiss);
    this.removeEventListener('cc-refusal', this._onRefusal);
    super.disconnectedCallback();
  }

  override render() {
    if (this._stopped)
      return html`<main class="notice panel" data-testid="stopped">
        <h1>${this._stopped.title}</h1>
        <p data-testid="stopped-message">${this._stopped.message}</p>
        <p class="row">
          ${this._stopped.rejoin ? html`<a class="button primary" href="/join/${this.code}" @click=${this._onLink}>Join again</a>` : ''}
          <a class="button" href="/" @click=${this._onLink}>Home</a>
        </p>
      </main>`;
    if (!this._room || !this._view)
      return html`<main class="notice panel" data-testid="joining">
        <h1>Joining room ${this.code}…</h1>
        <p role="status">${this._socket.connection === 'reconnecting' ? 'Cannot reach the server yet; still trying…' : 'Connecting to the classroom.'}</p>
      </main>`;
    return html`<cc-student-screen
      .room=${this._room}
      .view=${this._view}
      .connection=${this._socket.connection}
      .refusal=${this._refusal}
      ?ready=${this._ready}
      .notice=${this._notice}
    ></cc-student-screen>`;
  }

  private _listen(socket: ClassSocket) {
    socket.on('view:student', (patch) => {
      this._view = this._live.apply(patch);
    });
    socket.on('server:notice', (notice) => {
      this._notice = notice.message;
    });
    socket.on('room:left', (notice) => {
      this._socket.stop();
      if (notice.reason !== 'replaced') saveResumeToken(this.code, null);
      const titles = { kicked: 'You were removed from this session', closed: 'This session is closed', replaced: 'Opened somewhere else', left: 'You left the session' } as const;
      this._stopped = { title: titles[notice.reason] ?? 'Disconnected', message: notice.message, rejoin: notice.reason === 'replaced' || notice.reason === 'left' };
    });
  }

  private async _join(socket: ClassSocket) {
    this._live.restart();
    const token = resumeToken(this.code);
    const nickname = savedNickname();
    if (!token && !nickname) {
      this._socket.stop();
      navigate(`/join/${this.code}`, { replace: true });
      return;
    }
    const reply = await this._socket.request('room:join', {
      protocol: PROTOCOL_VERSION,
      code: this.code,
      nickname,
      ...(token ? { resumeToken: token } : {}),
      deviceId: deviceId(),
    });
    if (!socket.connected && !reply.ok) return; // a later 'connect' joins again
    if (!reply.ok) {
      if (NICKNAME_ERRORS.has(reply.error.code)) {
        this._socket.stop();
        putJoinError(reply.error.message);
        navigate(`/join/${this.code}`, { replace: true });
        return;
      }
      if (reply.error.code === 'timeout') return;
      this._socket.stop();
      const title = reply.error.code === 'banned' ? 'You were removed from this session' : 'Could not join';
      this._stopped = { title, message: reply.error.message, rejoin: false };
      return;
    }
    this._notice = null;
    saveResumeToken(this.code, reply.resumeToken);
    saveNickname(reply.nickname);
    this._room = reply.room;
    document.title = `${reply.room.scenario.title} · ClusterClass`;
  }

  private _onAct = (e: ActEvent) => {
    e.stopPropagation();
    e.outcome = this._send(e.detail, e.inPlace);
  };

  /** Sends one action; its refusal is shown above the board unless the dialog that sent it shows it. */
  private async _send(action: PlayerActionInput, inPlace: boolean): Promise<ProtocolError | null> {
    const reply = await this._socket.request('player:act', { action });
    if (reply.ok) {
      if (action.type === 'ready') this._ready = action.ready ?? true;
      this._refusal = null;
      return null;
    }
    if (!inPlace) this._refusal = reply.error;
    return reply.error;
  }

  private _onRefusal = (e: CustomEvent<ProtocolError>) => {
    e.stopPropagation();
    this._refusal = e.detail;
  };

  private _onDismiss = () => {
    this._refusal = null;
  };

  private _onLink(e: MouseEvent) {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate((e.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-student-page': StudentPage;
  }
}
