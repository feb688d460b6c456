import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PlayerActionInput, ProtocolError } from '../../../shared/protocol/index.ts';
import { PROTOCOL_VERSION } from '../lib/protocol.ts';
import type { RoomStatic, StudentView } from '../../../shared/views/types.ts';
import type { ActEvent } from '../lib/events.ts';
import type { AnswerResult } from '../../../shared/learning/types.ts';
import type { AnswerDetail } from '../components/concept-check.ts';
import { followLink, navigate } from '../lib/router.ts';
import { LiveView } from '../lib/live-view.ts';
import { MOVE_QUEUE, MoveQueue, type QueuedMove } from '../lib/move-queue.ts';
import { SocketController, type ClassSocket } from '../lib/socket-controller.ts';
import { deviceId, putJoinError, resumeToken, saveNickname, saveResumeToken, savedNickname } from '../lib/storage.ts';
import { base, notice } from '../styles/shared.ts';
import '../components/student-screen.ts';

/** Refusals that mean "pick another nickname" go back to the join form. */
const NICKNAME_ERRORS = new Set(['bad-nickname', 'nickname-taken']);

const QUEUE_FULL: ProtocolError = {
  code: 'offline',
  message: `You are offline and ${MOVE_QUEUE.limit} moves are already waiting to be sent. Wait until you are back, then try again.`,
};

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
  /** The server has our seat on this connection: moves can go now. Until then they wait in `_moves`. */
  @state() private _seated = false;
  /** Moves waiting for the seat to come back. */
  @state() private _waiting: readonly PlayerActionInput[] = [];
  /** The waiting moves are being sent: new ones queue behind them. */
  private _flushing = false;
  /** The session's replay id (for the debrief's "what if" link). */
  @state() private _replayId: string | null = null;
  /** Concept-check answers confirmed by the server (the view follows within moments). */
  @state() private _answers: readonly AnswerResult[] = [];
  @state() private _answering = false;
  /** Why this page stopped: kicked, room closed, join refused. */
  @state() private _stopped: { title: string; message: string; rejoin: boolean } | null = null;

  private _live = new LiveView<StudentView>('student', (view) => (this._view = view));

  private _client: ClassSocket | null = null;

  private _socket = new SocketController(this, {
    listen: (socket) => this._listen(socket),
    joined: (socket) => void this._join(socket),
    dropped: () => {
      this._seated = false;
    },
  });

  private _moves = new MoveQueue((expired) => {
    this._waiting = this._moves.actions();
    const n = expired.length;
    for (const move of expired) move.settle(null);
    this._refusal = {
      code: 'offline',
      message: `You were offline, so ${n === 1 ? 'your move was' : `${n} moves were`} not sent. Your place and your cluster are kept: try again.`,
    };
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('cc-act', this._onAct);
    this.addEventListener('cc-dismiss-refusal', this._onDismiss);
    this.addEventListener('cc-refusal', this._onRefusal);
    this.addEventListener('cc-answer', this._onAnswer);
  }

  override disconnectedCallback(): void {
    this._moves.takeAll();
    this.removeEventListener('cc-act', this._onAct);
    this.removeEventListener('cc-dismiss-refusal', this._onDismiss);
    this.removeEventListener('cc-refusal', this._onRefusal);
    this.removeEventListener('cc-answer', this._onAnswer);
    this._live.dispose();
    super.disconnectedCallback();
  }

  override render() {
    if (this._stopped)
      return html`<main class="notice panel" data-testid="stopped">
        <h1>${this._stopped.title}</h1>
        <p data-testid="stopped-message">${this._stopped.message}</p>
        <p class="row">
          ${this._stopped.rejoin ? html`<a class="button primary" href="/join/${this.code}" @click=${followLink}>Join again</a>` : ''}
          <a class="button" href="/" @click=${followLink}>Home</a>
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
      .waiting=${this._waiting}
      ?seated=${this._seated}
      ?ready=${this._ready}
      .notice=${this._notice}
      .replayId=${this._replayId}
      .answers=${this._answers}
      ?answering=${this._answering}
    ></cc-student-screen>`;
  }

  private _listen(socket: ClassSocket) {
    this._client = socket;
    // The room's shared part (clock, top of the class, events) and the student's own part.
    socket.on('view:room', (delta) => {
      this._view = this._live.apply(delta, 'view:room');
    });
    socket.on('view:student', (delta) => {
      this._view = this._live.apply(delta, 'view:student');
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
    this._replayId = reply.replayId ?? null;
    document.title = `${reply.room.scenario.title} · ClusterClass`;
    this._seated = true;
    void this._flush();
  }

  private _onAct = (e: ActEvent) => {
    e.stopPropagation();
    e.outcome = this._send(e.detail, e.inPlace);
  };

  /**
   * Sends one action; its refusal is shown in the toast unless the dialog that sent it shows it.
   * Without a seat (offline, reconnecting, rejoining) it waits in the queue instead of reaching a
   * server that would answer "join first": the dialog closes, the board says it is waiting.
   */
  private async _send(action: PlayerActionInput, inPlace: boolean): Promise<ProtocolError | null> {
    // While the waiting moves go out, a new one waits behind them, so the order is the student's.
    if (!this._seated || this._flushing) return this._queue(action, inPlace);
    const reply = await this._socket.request('player:act', { action });
    if (reply.ok) {
      this._applied(action);
      return null;
    }
    if (reply.error.code === 'not-joined') {
      // The connection came back but the server has not seated us on it yet: wait for the join.
      this._seated = false;
      if (this._client?.connected) void this._join(this._client);
      return this._queue(action, inPlace);
    }
    if (!inPlace) this._refusal = reply.error;
    return reply.error;
  }

  private _queue(action: PlayerActionInput, inPlace: boolean): ProtocolError | null {
    const move: QueuedMove = {
      action,
      settle: (refusal) => {
        if (refusal) this._refusal = refusal;
      },
    };
    if (!this._moves.add(move)) {
      if (!inPlace) this._refusal = QUEUE_FULL;
      return QUEUE_FULL;
    }
    this._waiting = this._moves.actions();
    this._refusal = null;
    if (this._seated) void this._flush();
    return null;
  }

  /** Sends the moves that waited, oldest first, once the seat is back; any refusal is shown as it comes. */
  private async _flush() {
    if (this._flushing) return;
    this._flushing = true;
    try {
      let move: QueuedMove | undefined;
      while (this._seated && (move = this._moves.shift())) {
        this._waiting = this._moves.actions();
        const reply = await this._socket.request('player:act', { action: move.action });
        if (reply.ok) {
          this._applied(move.action);
          move.settle(null);
        } else if (reply.error.code === 'not-joined' || reply.error.code === 'offline') {
          // The seat went again before it was sent: it waits for the next join, still first.
          this._moves.unshift(move);
          break;
        } else {
          move.settle(reply.error);
        }
      }
    } finally {
      this._flushing = false;
      this._waiting = this._moves.actions();
    }
  }

  private _applied(action: PlayerActionInput) {
    if (action.type === 'ready') this._ready = action.ready ?? true;
    this._refusal = null;
  }

  /** A concept-check answer: sent once; the result shows as soon as the server has kept it. */
  private _onAnswer = (e: CustomEvent<AnswerDetail>) => {
    e.stopPropagation();
    void this._sendAnswer(e.detail);
  };

  private async _sendAnswer(answer: AnswerDetail) {
    const check = this._view?.check;
    if (!check || this._answering) return;
    this._answering = true;
    try {
      const reply = await this._socket.request('player:answer', { stage: check.stage, questionId: answer.questionId, choice: answer.choice });
      if (reply.ok) this._answers = [...this._answers.filter((r) => r.questionId !== reply.result.questionId), reply.result];
      else this._refusal = reply.error;
    } finally {
      this._answering = false;
    }
  }

  private _onRefusal = (e: CustomEvent<ProtocolError>) => {
    e.stopPropagation();
    this._refusal = e.detail;
  };

  private _onDismiss = () => {
    this._refusal = null;
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-student-page': StudentPage;
  }
}
