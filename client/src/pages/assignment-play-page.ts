import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { computeScore } from '../../../shared/engine/score.ts';
import { clusterOf } from '../../../shared/engine/state.ts';
import { referenceScores, type ReferenceScore } from '../../../shared/engine/references.ts';
import type { AnswerResult, CheckStage } from '../../../shared/learning/types.ts';
import type { PlayerActionInput, ProtocolError } from '../../../shared/protocol/index.ts';
import { TICK_HZ, realDuration } from '../../../shared/views/pace.ts';
import { roomStatic, type RoomStatic, type StudentView } from '../../../shared/views/index.ts';
import { suggestNickname as pickNickname } from '../../../shared/names/nicknames.ts';
import { ApiError } from '../lib/api.ts';
import type { AssignmentView, AttemptResult, StartedAttempt } from '../../../shared/protocol/assignments.ts';
import { deadlineText, finishAttempt, getAssignment, getAttempt, sendActions, sendAnswers, startAttempt } from '../lib/assignments-api.ts';
import { ActionSync, type SyncStatus } from '../lib/assignment-sync.ts';
import type { ActEvent } from '../lib/events.ts';
import { GameClock, LocalGame } from '../lib/local-game.ts';
import { NICKNAME_MAX } from '../lib/protocol.ts';
import { followLink } from '../lib/router.ts';
import { keepAttempt, keptAttempt, saveNickname, savedNickname } from '../lib/storage.ts';
import { base, nicknameForm, notice } from '../styles/shared.ts';
import type { ConfirmDialog } from '../components/confirm-dialog.ts';
import '../components/assignment-debrief.ts';
import '../components/assignment-pace-bar.ts';
import '../components/concept-check.ts';
import '../components/confirm-dialog.ts';
import '../components/student-screen.ts';

/** The speed a new attempt starts at (simulated seconds per real second). */
const DEFAULT_SPEED = 5;
/** How often the clock's position is written down, so a reload comes back near where it was. */
const KEEP_EVERY_MS = 1_000;

type Step =
  | { readonly name: 'loading' }
  | { readonly name: 'stopped'; readonly title: string; readonly message: string }
  | { readonly name: 'intro' }
  | { readonly name: 'check'; readonly stage: CheckStage }
  | { readonly name: 'play' }
  | { readonly name: 'debrief' }
  | { readonly name: 'done' };

/**
 * `/a/ID`: a self-paced assignment. The student picks a nickname, answers the before check (if
 * the teacher turned checks on), plays the scenario alone in the browser at their own pace (each
 * accepted move is sent to the server as it happens), and at the end reads the server's score,
 * the debrief and answers the after check. A reload resumes where it was.
 */
@customElement('cc-assignment-play-page')
export class AssignmentPlayPage extends LitElement {
  static override styles = [
    base,
    notice,
    nicknameForm,
    css`
      :host {
        display: block;
      }
      main.narrow {
        max-width: 40rem;
        margin: 0 auto;
        padding: 1.5rem 1rem 3rem;
      }
      .notice {
        max-width: 36rem;
        padding: 1.5rem;
      }
      .facts {
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
        display: grid;
        gap: 0.3rem;
      }
      .play {
        padding-bottom: calc(var(--cc-bottom-bar, 5rem) + 1rem);
      }
      .stage-title {
        margin: 0 0 0.2rem;
        font-size: 1.3rem;
      }
      section + section,
      cc-assignment-debrief + section {
        margin-top: 1rem;
      }
    `,
  ];

  @property() assignmentId = '';
  @state() private _step: Step = { name: 'loading' };
  @state() private _info: AssignmentView | null = null;
  @state() private _nickname = '';
  /** Said to screen readers when Suggest fills the nickname in (focus stays on the button). */
  @state() private _suggested = '';
  @state() private _formError: string | null = null;
  @state() private _busy = false;
  @state() private _room: RoomStatic | null = null;
  @state() private _view: StudentView | null = null;
  @state() private _refusal: ProtocolError | null = null;
  @state() private _save: SyncStatus = 'saved';
  @state() private _saveError: string | null = null;
  @state() private _speed = DEFAULT_SPEED;
  @state() private _started = false;
  @state() private _results: Record<CheckStage, readonly AnswerResult[]> = { before: [], after: [] };
  @state() private _result: AttemptResult | null = null;
  @state() private _replayId: string | null = null;
  @state() private _localTotal: number | null = null;
  @state() private _references: readonly ReferenceScore[] | null = null;
  @state() private _finishError: string | null = null;
  @query('cc-confirm-dialog') private _confirm!: ConfirmDialog;

  private _attempt: StartedAttempt | null = null;
  private _game: LocalGame | null = null;
  private _clock: GameClock | null = null;
  private _sync: ActionSync | null = null;
  private _keptAt = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('cc-act', this._onAct);
    this.addEventListener('cc-dismiss-refusal', this._onDismiss);
    this.addEventListener('cc-refusal', this._onRefusal);
    document.addEventListener('visibilitychange', this._onHidden);
    this._nickname = savedNickname();
  }

  /** The board keeps its toasts and prompts above the pace bar: it is told the bar's height. */
  private _barSize = new ResizeObserver((entries) => {
    const h = entries[0]?.borderBoxSize[0]?.blockSize ?? 0;
    this.style.setProperty('--cc-bottom-bar', `${Math.ceil(h)}px`);
  });
  private _bar: Element | null = null;

  protected override updated(): void {
    const bar = this.renderRoot.querySelector('cc-assignment-pace-bar');
    if (bar === this._bar) return;
    this._barSize.disconnect();
    this._bar = bar;
    if (bar) this._barSize.observe(bar);
    else this.style.removeProperty('--cc-bottom-bar');
  }

  override disconnectedCallback(): void {
    this._barSize.disconnect();
    this.removeEventListener('cc-act', this._onAct);
    this.removeEventListener('cc-dismiss-refusal', this._onDismiss);
    this.removeEventListener('cc-refusal', this._onRefusal);
    document.removeEventListener('visibilitychange', this._onHidden);
    this._clock?.dispose();
    this._sync?.dispose();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // Properties set before a lazily loaded element upgrades arrive with its first update.
    if (changed.has('assignmentId') && this.assignmentId) void this._load();
  }

  override render() {
    const step = this._step;
    switch (step.name) {
      case 'loading':
        return html`<main class="notice panel" data-testid="assignment-loading"><p role="status">Loading the assignment…</p></main>`;
      case 'stopped':
        return html`<main class="notice panel" data-testid="assignment-stopped">
          <h1>${step.title}</h1>
          <p data-testid="assignment-stopped-message">${step.message}</p>
          <p><a class="button" href="/" @click=${followLink}>Home</a></p>
        </main>`;
      case 'intro':
        return this._renderIntro();
      case 'check':
        return this._renderCheck(step.stage);
      case 'play':
        return this._renderPlay();
      case 'debrief':
        return this._renderDebrief();
      case 'done':
        return html`<main class="narrow">
          <section class="panel" data-testid="assignment-done">
            <h1>All done, ${this._attempt?.nickname ?? ''}!</h1>
            <p>Your run and your answers are saved. Your teacher sees your result${this._info ? ` for “${this._info.title}”` : ''}.</p>
            ${this._result ? html`<p>Your score: <strong>${Math.round(this._result.total * 10) / 10}</strong> points.</p>` : ''}
            ${this._replayId ? html`<p><a class="button" href="/replay/${this._replayId}" data-testid="done-replay">Watch the replay of your run</a></p>` : ''}
          </section>
        </main>`;
      default: {
        const never: never = step;
        return never;
      }
    }
  }

  private _renderIntro() {
    const info = this._info!;
    const sim = info.scenario.durationS;
    return html`<main class="narrow">
      <p class="hint">Assignment</p>
      <h1 data-testid="assignment-title">${info.title}</h1>
      <p>${info.scenario.summary}</p>
      <ul class="facts">
        <li data-testid="assignment-deadline">Due <strong>${deadlineText(info.deadlineMs)}</strong></li>
        <li data-testid="assignment-length">
          The scenario lasts ${Math.round(sim / 60)} simulated minutes: about ${realDuration(sim / DEFAULT_SPEED)} at ${DEFAULT_SPEED}× speed. You set the pace, and you can pause
          at any time.
        </li>
        ${info.checks && info.checks.before.length > 0 ? html`<li>Before and after the game: ${info.checks.before.length} short questions.</li>` : ''}
        <li>You play alone. Your moves are saved as you go, so you can come back to this page later on this device.</li>
      </ul>
      <form class="panel" @submit=${this._onStart} novalidate aria-labelledby="start-title" data-testid="attempt-form">
        <h2 id="start-title">Start</h2>
        ${this._formError ? html`<p class="error" role="alert" data-testid="attempt-error">${this._formError}</p>` : ''}
        <div class="field">
          <label for="nickname">Nickname</label>
          <div class="nick">
            <input
              id="nickname"
              data-testid="attempt-nickname"
              autocomplete="nickname"
              maxlength=${NICKNAME_MAX}
              required
              aria-describedby="nick-hint"
              .value=${this._nickname}
              @input=${(e: Event) => (this._nickname = (e.target as HTMLInputElement).value)}
            />
            <button type="button" data-testid="attempt-suggest" @click=${this._onSuggest}>Suggest</button>
          </div>
          <span class="hint" id="nick-hint">1 to ${NICKNAME_MAX} characters; your teacher will see it. No real names needed.</span>
          <span class="visually-hidden" role="status" data-testid="attempt-suggested">${this._suggested ? `Suggested nickname: ${this._suggested}` : ''}</span>
        </div>
        <button type="submit" class="primary wide" data-testid="attempt-start" ?disabled=${this._busy}>${this._busy ? 'Starting…' : 'Start the assignment'}</button>
      </form>
    </main>`;
  }

  private _renderCheck(stage: CheckStage) {
    const questions = this._info?.checks?.[stage] ?? [];
    return html`<main class="narrow">
      <h1 class="stage-title">${this._info?.title ?? ''}</h1>
      <p class="hint" data-testid="check-step">
        ${stage === 'before'
          ? 'Step 1 of 3: answer what you think now; it is fine not to know yet. Then the game, then the same ideas again.'
          : 'Step 3 of 3: the same ideas again, to see what you learnt.'}
      </p>
      <cc-concept-check
        .stage=${stage}
        .questions=${questions}
        .results=${this._results[stage]}
        .busy=${this._busy}
        alone
        @cc-answer=${(e: CustomEvent<{ questionId: string; choice: number }>) => void this._onAnswer(stage, e.detail)}
        @cc-check-done=${() => this._onCheckDone(stage)}
      ></cc-concept-check>
      ${this._formError ? html`<p class="error" role="alert" data-testid="check-error">${this._formError}</p>` : ''}
    </main>`;
  }

  private _renderPlay() {
    if (!this._room || !this._view) return html`<main class="notice panel"><p role="status">Setting up your cluster…</p></main>`;
    const running = this._clock?.running ?? false;
    return html`<div class="play">
        ${this._saveError ? html`<p class="error panel" role="alert" data-testid="save-error">${this._saveError}</p>` : ''}
        <cc-student-screen alone .room=${this._room} .view=${this._view} .refusal=${this._refusal} .connection=${this._save === 'offline' ? 'reconnecting' : 'online'}></cc-student-screen>
      </div>
      <cc-assignment-pace-bar
        ?running=${running}
        ?started=${this._started}
        ?over=${this._game?.over ?? false}
        .speed=${this._speed}
        .save=${this._save}
        @cc-pace=${this._onPace}
        @cc-speed=${this._onSpeed}
      ></cc-assignment-pace-bar>
      <cc-confirm-dialog></cc-confirm-dialog>`;
  }

  private _renderDebrief() {
    const info = this._info!;
    const after = info.checks && this._results.after.length < info.checks.after.length;
    return html`<main class="narrow">
      <h1>${info.title}: the end</h1>
      ${this._finishError
        ? html`<section class="panel" role="alert" data-testid="finish-error">
            <p class="error">${this._finishError}</p>
            <button type="button" @click=${() => void this._finish()}>Try again</button>
          </section>`
        : ''}
      ${!this._result && this._save === 'offline'
        ? html`<p class="panel" role="status" data-testid="finish-offline">You are offline. Your last moves are sent as soon as the network is back; then your run is scored.</p>`
        : ''}
      <cc-assignment-debrief
        .nickname=${this._attempt?.nickname ?? ''}
        .debrief=${info.scenario.debrief}
        .result=${this._result}
        .localTotal=${this._localTotal}
        .references=${this._references}
        .replayId=${this._replayId}
      ></cc-assignment-debrief>
      ${this._result
        ? html`<section class="panel">
            ${after
              ? html`<p>One last step: answer the same kind of questions again, to see what you learnt.</p>
                  <button type="button" class="primary wide" data-testid="after-check-start" @click=${() => (this._step = { name: 'check', stage: 'after' })}>Answer the questions</button>`
              : html`<button type="button" class="primary wide" data-testid="assignment-finish" @click=${() => (this._step = { name: 'done' })}>Finish</button>`}
          </section>`
        : ''}
    </main>`;
  }

  // Loading and resuming.

  private async _load() {
    this._step = { name: 'loading' };
    let info: AssignmentView;
    try {
      info = await getAssignment(this.assignmentId);
    } catch (error) {
      this._stop(error, 'Could not open the assignment');
      return;
    }
    this._info = info;
    document.title = `${info.title} · ClusterClass`;
    const kept = keptAttempt(info.id);
    if (kept) {
      try {
        const attempt = await getAttempt(info.id, kept.attemptId, kept.attemptToken);
        this._attempt = { attemptId: kept.attemptId, attemptToken: kept.attemptToken, nickname: attempt.nickname };
        this._results = { before: attempt.answers.before, after: attempt.answers.after };
        if (attempt.finished && attempt.result) {
          this._result = attempt.result;
          this._replayId = attempt.replayId;
          this._step = { name: 'debrief' };
          this._computeReferences();
          return;
        }
        if (info.closed) return this._closed(info);
        const lastAtS = attempt.actions.at(-1)?.atS ?? 0;
        const checkPending = info.checks && attempt.actions.length === 0 && kept.atS === 0 && attempt.answers.before.length < info.checks.before.length;
        if (checkPending) {
          this._step = { name: 'check', stage: 'before' };
          return;
        }
        this._play(LocalGame.resume(info.scenario, info.seed, attempt.actions, Math.max(kept.atS, lastAtS)), attempt.actions.length);
        return;
      } catch (error) {
        // An attempt the server no longer knows (deleted, expired): start afresh.
        if (!(error instanceof ApiError && (error.code === 'forbidden' || error.status === 403))) {
          this._stop(error, 'Could not resume your attempt');
          return;
        }
        keepAttempt(info.id, null);
      }
    }
    if (info.closed) return this._closed(info);
    this._step = { name: 'intro' };
  }

  private _closed(info: AssignmentView) {
    this._step = { name: 'stopped', title: 'This assignment is closed', message: `It was due ${deadlineText(info.deadlineMs)}. Ask your teacher if you still need to do it.` };
  }

  private _stop(error: unknown, title: string) {
    const e = error instanceof ApiError ? error : null;
    const message =
      e?.code === 'assignment-not-found'
        ? 'There is no assignment at this link. It may have been deleted, or the link is incomplete: check it with your teacher.'
        : e?.code === 'assignment-closed'
          ? 'This assignment is closed: its deadline has passed.'
          : (error as Error).message;
    this._step = { name: 'stopped', title: e?.code === 'assignment-not-found' ? 'Assignment not found' : title, message };
  }

  // The start.

  private _onSuggest() {
    this._nickname = pickNickname(Math.random);
    this._suggested = this._nickname;
  }

  private async _onStart(e: Event) {
    e.preventDefault();
    const info = this._info!;
    const nickname = this._nickname.trim();
    if (nickname.length < 1 || nickname.length > NICKNAME_MAX) {
      this._formError = `Pick a nickname of 1 to ${NICKNAME_MAX} characters.`;
      this.renderRoot.querySelector<HTMLInputElement>('#nickname')?.focus();
      return;
    }
    this._busy = true;
    this._formError = null;
    try {
      const attempt = await startAttempt(info.id, nickname);
      this._attempt = attempt;
      keepAttempt(info.id, { ...attempt, atS: 0 });
      saveNickname(attempt.nickname);
      if ((info.checks?.before.length ?? 0) > 0) this._step = { name: 'check', stage: 'before' };
      else this._play(LocalGame.solo(info.scenario, info.seed), 0);
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'assignment-closed' || error.code === 'assignment-full' || error.code === 'assignment-not-found')) {
        this._stop(error, error.code === 'assignment-full' ? 'This assignment is full' : 'Could not start');
        return;
      }
      this._formError = (error as Error).message;
    } finally {
      this._busy = false;
    }
  }

  // The concept checks.

  private async _onAnswer(stage: CheckStage, answer: { questionId: string; choice: number }) {
    const a = this._attempt;
    if (!a || this._busy) return;
    this._busy = true;
    this._formError = null;
    try {
      const { results } = await sendAnswers(this.assignmentId, a.attemptId, a.attemptToken, stage, [answer]);
      const known = new Map(this._results[stage].map((r) => [r.questionId, r]));
      for (const r of results) known.set(r.questionId, r);
      this._results = { ...this._results, [stage]: [...known.values()] };
    } catch (error) {
      this._formError = `Your answer was not saved: ${(error as Error).message}`;
    } finally {
      this._busy = false;
    }
  }

  private _onCheckDone(stage: CheckStage) {
    if (stage === 'after') {
      this._step = { name: 'done' };
      return;
    }
    const info = this._info!;
    this._play(LocalGame.solo(info.scenario, info.seed), 0);
  }

  // Playing.

  private _play(game: LocalGame, kept: number) {
    const a = this._attempt!;
    this._game = game;
    this._started = game.timeS > 0 || game.log.length > 0;
    this._room = roomStatic(this.assignmentId, 'solo', game.state);
    this._sync?.dispose();
    this._sync = new ActionSync(
      () => game.log,
      (from, actions) => sendActions(this.assignmentId, a.attemptId, a.attemptToken, from, actions),
      kept,
      (status, error) => {
        this._save = status;
        this._saveError =
          status === 'failed'
            ? error?.code === 'assignment-closed'
              ? 'The deadline has passed, so your latest moves could not be saved.'
              : `Your moves could not be saved: ${error?.message ?? 'the server refused them'}.`
            : null;
      },
    );
    // Moves the server had not kept before the reload are sent now.
    if (kept < game.log.length) this._sync.changed();
    this._clock?.dispose();
    this._clock = new GameClock(game, () => this._onFrame(), { speed: this._speed });
    this._step = { name: 'play' };
    this._showView();
    if (game.over) void this._finish();
  }

  private _showView() {
    const game = this._game!;
    const v = game.view({ playerId: game.clusterId, nickname: this._attempt?.nickname ?? '', clusterId: game.clusterId, teamName: null }, null);
    const phase = game.over ? 'debrief' : this._clock?.running ? 'running' : 'paused';
    // The board's clocks read time left at the room's pace: here it is the student's speed.
    this._view = { ...v, room: { ...v.room, phase, speed: this._speed / TICK_HZ } };
  }

  private _onFrame() {
    const game = this._game!;
    this._showView();
    const now = Date.now();
    if (now - this._keptAt >= KEEP_EVERY_MS || game.over) this._keepPosition();
    if (game.over) void this._finish();
  }

  private _keepPosition() {
    const a = this._attempt;
    if (!a || !this._game) return;
    this._keptAt = Date.now();
    keepAttempt(this.assignmentId, { ...a, atS: this._game.timeS });
  }

  /** A student who leaves the tab does not come back to a run that went on without them. */
  private _onHidden = () => {
    if (document.visibilityState !== 'hidden') return;
    if (this._clock?.running) {
      this._clock.pause();
      this._showView();
    }
    this._keepPosition();
  };

  private _onPace = async (e: CustomEvent<{ command: 'start' | 'pause' | 'skip' }>) => {
    const clock = this._clock;
    if (!clock) return;
    switch (e.detail.command) {
      case 'start':
        this._started = true;
        clock.start();
        break;
      case 'pause':
        clock.pause();
        this._keepPosition();
        break;
      case 'skip': {
        const wasRunning = clock.running;
        if (wasRunning) clock.pause();
        const ok = await this._confirm.ask({
          title: 'Skip to the end?',
          message: 'The rest of the scenario plays at once with your cluster as it is now. You cannot change anything after that.',
          confirm: 'Skip to the end',
        });
        if (ok) {
          this._started = true;
          clock.skipToEnd();
        } else if (wasRunning) clock.start();
        break;
      }
    }
    this._showView();
  };

  private _onSpeed = (e: CustomEvent<{ speed: number }>) => {
    this._speed = e.detail.speed;
    if (this._clock) this._clock.speed = e.detail.speed;
    this._showView();
  };

  private _onAct = (e: ActEvent) => {
    e.stopPropagation();
    e.outcome = Promise.resolve(this._act(e.detail, e.inPlace));
  };

  private _act(action: PlayerActionInput, inPlace: boolean): ProtocolError | null {
    const game = this._game;
    if (!game || this._step.name !== 'play') return null;
    const reply = game.act(action);
    if (!reply.ok) {
      if (!inPlace) this._refusal = reply.error;
      return reply.error;
    }
    this._refusal = null;
    this._sync?.changed();
    this._showView();
    return null;
  }

  private _onRefusal = (e: CustomEvent<ProtocolError>) => {
    e.stopPropagation();
    this._refusal = e.detail;
  };

  private _onDismiss = () => {
    this._refusal = null;
  };

  // The end.

  private _finishing = false;

  private async _finish() {
    const a = this._attempt;
    const game = this._game;
    if (!a || this._finishing) return;
    this._finishing = true;
    this._finishError = null;
    try {
      this._clock?.dispose();
      if (game) this._localTotal = computeScore(game.state, clusterOf(game.state, game.clusterId)!).total;
      this._step = { name: 'debrief' };
      await this._sync?.whenSaved();
      const { result, replayId } = await finishAttempt(this.assignmentId, a.attemptId, a.attemptToken, this._localTotal ?? 0);
      this._result = result;
      this._replayId = replayId;
      this._computeReferences();
    } catch (error) {
      this._finishError =
        error instanceof ApiError && error.code === 'assignment-closed'
          ? 'The deadline passed before your run could be scored.'
          : `Your run could not be scored yet: ${(error as Error).message}`;
    } finally {
      this._finishing = false;
    }
  }

  /** The reference plans on the same seed: four whole runs, so after the debrief is on screen. */
  private _computeReferences() {
    const info = this._info!;
    setTimeout(() => {
      try {
        this._references = referenceScores(info.scenario, info.seed, info.scenario.durationS);
      } catch {
        this._references = [];
      }
    }, 50);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-assignment-play-page': AssignmentPlayPage;
  }
}
