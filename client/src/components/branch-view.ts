import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { ProtocolError } from '../../../shared/protocol/index.ts';
import { computeScore } from '../../../shared/engine/score.ts';
import { clusterOf } from '../../../shared/engine/state.ts';
import { TICK_HZ } from '../../../shared/views/pace.ts';
import type { RoomStatic, StudentView } from '../../../shared/views/types.ts';
import { Branch, branchPlan, compareBranch, type BranchComparison, type ScoreParts } from '../lib/branch.ts';
import type { ActEvent } from '../lib/events.ts';
import { clockText } from '../lib/format.ts';
import type { ReferenceScore, ReplayTimeline } from '../lib/replay.ts';
import { base } from '../styles/shared.ts';
import './branch-comparison.ts';
import './student-screen.ts';

/** Playback speeds of a branch, in simulated seconds per real second. */
const SPEEDS = [1, 5, 20, 60] as const;
const FRAME_MS = 100;

type Stage = 'editing' | 'playing' | 'paused' | 'done';

const parts = (s: ScoreParts): ScoreParts => ({ total: s.total, availability: s.availability, cost: s.cost, security: s.security });

/**
 * A "what if" branch of a replay for one cluster, from one second: the live board with the clock
 * standing there, then the engine plays the rest in this browser; its score beside the original's.
 *
 * @event cc-branch-close - "Back to the replay".
 */
@customElement('cc-branch-view')
export class BranchView extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: var(--cc-gap);
        grid-template-columns: minmax(0, 1fr);
        padding-bottom: 2rem;
      }
      .controls {
        padding: 0.75rem 1rem 0;
        max-width: 90rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.75rem;
        align-items: end;
      }
      .row button {
        min-height: 2.75rem;
      }
      h2 {
        margin: 0 0 0.25rem;
      }
      .honest {
        display: inline-block;
        margin: 0 0 0.6rem;
        padding: 0.3rem 0.7rem;
        border: 2px dashed var(--cc-vm);
        border-radius: var(--cc-radius);
        background: var(--cc-vm-soft);
        font-weight: 600;
      }
      fieldset {
        margin: 0.6rem 0 0;
      }
      .status {
        margin: 0.5rem 0 0;
        font-weight: 600;
      }
      cc-student-screen {
        min-height: 0;
      }
      aside {
        margin: 0 1rem;
        min-width: 0;
      }
      @media (max-width: 480px) {
        aside {
          margin: 0 0.5rem;
          padding: 0.75rem 0.6rem;
        }
      }
      .controls {
        grid-area: controls;
      }
      .board {
        grid-area: board;
        min-width: 0;
      }
      aside {
        grid-area: compare;
      }
      /* One column: when the run is over the comparison comes first (it is first in the page too). */
      :host {
        grid-template-areas: 'controls' 'board' 'compare';
      }
      :host([data-done]) {
        grid-template-areas: 'controls' 'compare' 'board';
      }
      /* A laptop: the comparison beside the controls, the board below at its full width (it needs it). */
      @media (min-width: 1000px) {
        :host(:not([present])),
        :host(:not([present])[data-done]) {
          grid-template-columns: minmax(0, 1fr) minmax(22rem, 30rem);
          grid-template-areas: 'controls compare' 'board board';
          align-items: start;
        }
        :host(:not([present])) aside {
          margin: 0.75rem 1rem 0 0;
        }
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.5rem;
        align-items: start;
      }
      /* A projector: big type, board and comparison side by side, no page scroll. */
      :host([present]),
      :host([present][data-done]) {
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        grid-template-rows: auto minmax(0, 1fr);
        grid-template-areas: 'controls controls' 'board compare';
        height: 100vh;
        padding-bottom: 0;
      }
      :host([present]) .controls {
        zoom: 1.25;
        padding-top: 0.5rem;
      }
      :host([present]) fieldset {
        margin: 0;
      }
      :host([present]) .board,
      :host([present]) aside {
        overflow: auto;
        min-height: 0;
      }
      :host([present]) aside {
        margin: 0 1rem 1rem 0;
        zoom: 1.4;
      }
      :host([present]) cc-student-screen {
        zoom: 1.2;
      }
    `,
  ];

  @property({ attribute: false }) timeline: ReplayTimeline | null = null;
  @property({ attribute: false }) room: RoomStatic | null = null;
  @property() clusterId = '';
  @property({ type: Number }) fromS = 0;
  @property({ attribute: false }) references: readonly ReferenceScore[] | null = null;
  /** The projector's layout (`present=1`). */
  @property({ type: Boolean, reflect: true }) present = false;

  @state() private _branch: Branch | null = null;
  @state() private _view: StudentView | null = null;
  @state() private _stage: Stage = 'editing';
  @state() private _keep = true;
  @state() private _speed: number = 20;
  @state() private _refusal: ProtocolError | null = null;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _original: { second: number; score: ScoreParts } | null = null;
  private _final: BranchComparison | null = null;
  /** How many moves of its own the cluster made after the branch second in the original. */
  private _later = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('cc-act', this._onAct);
    this.addEventListener('cc-refusal', this._onRefusal);
    this.addEventListener('cc-dismiss-refusal', this._onDismiss);
  }

  override disconnectedCallback(): void {
    this._stopClock();
    this.removeEventListener('cc-act', this._onAct);
    this.removeEventListener('cc-refusal', this._onRefusal);
    this.removeEventListener('cc-dismiss-refusal', this._onDismiss);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('timeline') || changed.has('clusterId') || changed.has('fromS')) this._reset();
    else if (changed.has('references')) this._refresh();
  }

  private get _name(): string {
    return (this.timeline && clusterOf(this.timeline.final, this.clusterId)?.name) || this.clusterId;
  }

  /** A new branch from the branch second, with the board's changes so far made again (`changes`). */
  private _reset(changes: Branch['changes'] = []) {
    this._stopClock();
    this._final = null;
    this._refusal = null;
    this._stage = 'editing';
    const timeline = this.timeline;
    if (!timeline || !clusterOf(timeline.stateAt(this.fromS), this.clusterId)) {
      this._branch = null;
      this._view = null;
      return;
    }
    const start = timeline.stateAt(this.fromS);
    this._later = branchPlan(start, this.clusterId, timeline, true).steps.filter((s) => s.own).length;
    const branch = new Branch(branchPlan(start, this.clusterId, timeline, this._keep));
    for (const { atS: _atS, ...move } of changes) branch.act(move);
    this._branch = branch;
    this._refresh();
  }

  private _refresh() {
    const branch = this._branch;
    if (!branch) return;
    window.__ccBranchChanges = JSON.stringify(branch.changes);
    const view = branch.view({ playerId: this.clusterId, nickname: this._name, clusterId: this.clusterId, teamName: 'what-if' }, this.references ? [...this.references] : null);
    // The board tells the branch's own pace: standing (paused) until it plays, and time left at its speed.
    const standing = !branch.over && this._stage !== 'playing';
    // (A room's speed counts simulated seconds per clock period, not per real second.)
    this._view = { ...view, room: { ...view.room, phase: standing ? 'paused' : view.room.phase, speed: this._speed / TICK_HZ } };
    if (branch.over && !this._final && this.timeline) {
      this._final = compareBranch(this.clusterId, this.fromS, this.timeline.final, branch.state);
      this._stopClock();
      this._stage = 'done';
    }
  }

  /** The original cluster's score at second t (the same second as the branch's board). */
  private _originalAt(t: number): ScoreParts | null {
    const timeline = this.timeline!;
    if (this._original?.second !== t) {
      const state = timeline.stateAt(t);
      const cluster = clusterOf(state, this.clusterId);
      if (!cluster) return null;
      this._original = { second: t, score: parts(computeScore(state, cluster)) };
    }
    return this._original.score;
  }

  override render() {
    const timeline = this.timeline;
    const branch = this._branch;
    const name = this._name;
    const from = clockText(this.fromS);
    if (!timeline || !this.room || !branch || !this._view)
      return html`<section class="controls" aria-labelledby="branch-title">
        <h2 id="branch-title">What if…?</h2>
        <p data-testid="branch-unavailable">${name} has no cluster at ${from} to branch from. Pick a later second in the replay.</p>
        <button type="button" data-testid="branch-back" @click=${this._onBack}>Back to the replay</button>
      </section>`;
    const stage = this._stage;
    const done = stage === 'done';
    const started = stage !== 'editing';
    const t = branch.timeS;
    const later = this._later;
    const status =
      stage === 'editing'
        ? `The clock stands at ${from}. Change anything on the board, then run the rest.`
        : stage === 'done'
          ? `Finished at ${clockText(t)}: the what-if ran to the original’s end.`
          : `${stage === 'playing' ? 'Playing' : 'Paused'} at ${clockText(t)} of ${clockText(branch.plan.endS)}.`;
    const final = this._final;
    const comparison = html`<aside class="panel" aria-labelledby="compare-title" data-testid="branch-comparison">
      <h2 id="compare-title">${done ? 'How the what-if ended' : 'The original against the what-if'}</h2>
      <cc-branch-comparison
        .scenario=${timeline.meta.scenario}
        .original=${final ? parts(final.original) : this._originalAt(t)}
        .branch=${final ? parts(final.branch) : parts(computeScore(branch.state, clusterOf(branch.state, this.clusterId)!))}
        .atS=${t}
        ?final=${done}
        name=${name}
        .incidents=${final?.incidents ?? []}
        .refused=${branch.refused}
      ></cc-branch-comparison>
    </aside>`;
    const board = html`<div class="board">
      <cc-student-screen local .room=${this.room} .view=${this._view} .refusal=${this._refusal} data-testid="branch-board"></cc-student-screen>
    </div>`;
    return html`<section class="controls" aria-labelledby="branch-title" data-testid="branch" data-stage=${stage} data-second=${t}>
        <h2 id="branch-title" tabindex="-1">What if…? ${name}’s cluster from ${from}</h2>
        <p class="honest" data-testid="branch-note">A what-if: only in this browser, never part of the class’s results.</p>
        <div class="bar">
        <div class="row">
          <button type="button" class="primary" data-testid="branch-run" ?disabled=${done} @click=${this._onRun}>Run the rest</button>
          <button type="button" data-testid="branch-play" aria-pressed=${stage === 'playing' ? 'true' : 'false'} ?disabled=${done} @click=${this._onPlay}>
            ${stage === 'playing' ? 'Pause' : 'Play'}
          </button>
          <label
            >Speed
            <select data-testid="branch-speed" .value=${live(String(this._speed))} @change=${this._onSpeed}>
              ${SPEEDS.map((s) => html`<option value=${String(s)} ?selected=${s === this._speed}>${s}×</option>`)}
            </select></label
          >
          <button type="button" data-testid="branch-reset" @click=${() => this._reset()}>Branch again</button>
          <button type="button" data-testid="branch-back" @click=${this._onBack}>Back to the replay</button>
        </div>
        ${this._renderKeep(name, from, later, started)}
        </div>
        <p class="status" role="status" data-testid="branch-status">${status}</p>
      </section>
      ${done ? comparison : ''}${board}${done ? '' : comparison}`;
  }

  protected override firstUpdated(): void {
    // Opened from the replay's button, the page changed under the keyboard: start from the branch's title.
    this.renderRoot.querySelector<HTMLElement>('#branch-title')?.focus({ preventScroll: true });
  }

  protected override updated(changed: PropertyValues): void {
    // The comparison comes first once the run is over (the board keeps its place, so its element and state stay).
    this.toggleAttribute('data-done', this._stage === 'done');
    // On a projector the board's column shows the cluster at the end, not the debrief text above it:
    // the class discusses what the cluster did.
    if (this.present && changed.has('_stage') && this._stage === 'done') {
      const screen = this.renderRoot.querySelector('cc-student-screen');
      // After the board has drawn its end (the debrief goes in above the cluster).
      void screen?.updateComplete.then(() => {
        const cell = this.renderRoot.querySelector<HTMLElement>('.board');
        const cluster = screen.shadowRoot?.querySelector('section.board');
        const bar = screen.shadowRoot?.querySelector('.sticky');
        if (!cell || !cluster) return;
        // Just below the board's sticky bar, which would cover the top of it.
        cell.scrollTop += cluster.getBoundingClientRect().top - cell.getBoundingClientRect().top - (bar?.getBoundingClientRect().height ?? 0) - 8;
      });
    }
  }

  /** Whether the cluster's own later moves of the original come too: a choice before the branch runs, a line after. */
  private _renderKeep(name: string, from: string, later: number, started: boolean) {
    if (later === 0) return html`<p class="hint" data-testid="branch-keep-none">${name} made no moves after ${from} in the original: only the changes made here count.</p>`;
    const moves = `${later} ${later === 1 ? 'move' : 'moves'}`;
    if (started)
      return html`<p class="hint" data-testid="branch-keep-chosen">
        ${name}’s ${moves} after ${from} in the original: ${this._keep ? 'kept, each at its second' : 'dropped'}. “Branch again” to choose differently.
      </p>`;
    return html`<fieldset data-testid="branch-keep">
      <legend>${name}’s ${moves} after ${from} in the original</legend>
      <label class="choice"
        ><input type="radio" name="keep" value="keep" data-testid="branch-keep-moves" .checked=${live(this._keep)} @change=${() => this._onKeep(true)} /> Keep them, each at its second</label
      >
      <label class="choice"
        ><input type="radio" name="keep" value="drop" data-testid="branch-drop-moves" .checked=${live(!this._keep)} @change=${() => this._onKeep(false)} /> Drop them: only the changes made here</label
      >
    </fieldset>`;
  }

  private _onAct = (e: ActEvent) => {
    e.stopPropagation();
    const branch = this._branch;
    if (!branch || branch.over) {
      e.outcome = Promise.resolve(null);
      return;
    }
    const reply = branch.act(e.detail);
    const refusal = reply.ok ? null : reply.error;
    if (!e.inPlace) this._refusal = refusal;
    else if (!refusal) this._refusal = null;
    e.outcome = Promise.resolve(refusal);
    this._refresh();
  };

  private _onRefusal = (e: CustomEvent<ProtocolError>) => {
    e.stopPropagation();
    this._refusal = e.detail;
  };

  private _onDismiss = () => {
    this._refusal = null;
  };

  private _onKeep(keep: boolean) {
    if (this._stage !== 'editing' || keep === this._keep) return;
    this._keep = keep;
    this._reset(this._branch?.changes ?? []);
  }

  private _onRun() {
    const branch = this._branch;
    if (!branch) return;
    this._stopClock();
    branch.runToEnd();
    this._refresh();
  }

  private _onPlay() {
    const branch = this._branch;
    if (!branch || branch.over) return;
    if (this._stage === 'playing') {
      this._stopClock();
      this._stage = 'paused';
      this._refresh();
      return;
    }
    this._stage = 'playing';
    this._refresh();
    let carry = 0;
    this._timer = setInterval(() => {
      carry += (this._speed * FRAME_MS) / 1000;
      let moved = false;
      while (carry >= 1 && !branch.over) {
        branch.tick();
        carry -= 1;
        moved = true;
      }
      if (moved) this._refresh();
    }, FRAME_MS);
  }

  private _onSpeed(e: Event) {
    this._speed = Number((e.target as HTMLSelectElement).value);
    this._refresh();
  }

  private _onBack() {
    this._stopClock();
    this.dispatchEvent(new CustomEvent('cc-branch-close', { bubbles: true, composed: true }));
  }

  private _stopClock() {
    if (this._timer) clearInterval(this._timer);
    this._timer = null;
  }
}

declare global {
  interface Window {
    /** The branch's board moves, as JSON: the e2e test re-runs the branch with them in its own engine. */
    __ccBranchChanges?: string;
  }
  interface HTMLElementTagNameMap {
    'cc-branch-view': BranchView;
  }
  interface HTMLElementEventMap {
    'cc-branch-close': CustomEvent<void>;
  }
}
