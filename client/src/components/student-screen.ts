import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PlayerActionInput, ProtocolError } from '../../../shared/protocol/index.ts';
import { realClock, realDuration, realSeconds, simPerRealSecond } from '../../../shared/views/pace.ts';
import type { ActiveEffectView, EventBanner, RoomStatic, StudentView } from '../../../shared/views/types.ts';
import type { AnswerResult, CheckStage } from '../../../shared/learning/types.ts';
import { PHASE_LABEL, clockText, realLeft } from '../lib/format.ts';
import { EVENT_ICON, icon } from '../lib/icons.ts';
import type { Connection } from '../lib/socket-controller.ts';
import { act } from '../lib/events.ts';
import { base } from '../styles/shared.ts';
import type { InstanceDialog } from './instance-dialog.ts';
import type { PlaceDialog } from './place-dialog.ts';
import type { VmDialog } from './vm-dialog.ts';
import type { VmManageDialog } from './vm-manage-dialog.ts';
import './app-palette.ts';
import './cluster-board.ts';
import './connection-status.ts';
import './concept-check.ts';
import './count-up.ts';
import './debrief-panel.ts';
import './event-feed.ts';
import './incident-list.ts';
import './instance-dialog.ts';
import './leaderboard.ts';
import './place-dialog.ts';
import './refusal-note.ts';
import './score-panel.ts';
import './vm-dialog.ts';
import './vm-manage-dialog.ts';

/**
 * How long the newest event stays in view after it fired (once its effect, if any, is over): 90
 * simulated seconds, and never less than 20 real ones, so a fast pace does not whisk it away.
 */
const RECENT_S = 90;
const RECENT_REAL_S = 20;

/** How long a rank change ("↑2") stays beside the rank. */
const RANK_CHANGE_MS = 5000;

/**
 * Where tap-to-place is the main path: narrow screens, and any screen driven by a finger (drag and
 * drop cannot scroll a phone, and a finger has no hover).
 */
const TAP_QUERY = '(max-width: 759px), (pointer: coarse)';
const NARROW_QUERY = '(max-width: 759px)';

const reducedMotion = (): boolean => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

type Section = 'score' | 'top' | 'events' | 'incidents';

/** A phone's bar has room for one word per phase. */
const SHORT_PHASE: Record<string, string> = { lobby: 'Lobby', running: 'Running', paused: 'Paused', debrief: 'Debrief', ended: 'Ended' };

/**
 * The student's board, drawn from the latest view: a sticky bar with the time left, rank and score;
 * the apps to place and the cluster; the score, the class's top five, events and incidents (folded
 * away on a phone); the debrief at the end. It owns the dialogs and the tap-to-place selection; the
 * actions they produce bubble up as `cc-act` to the page that holds the connection.
 */
@customElement('cc-student-screen')
export class StudentScreen extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      .sticky {
        position: sticky;
        top: 0;
        z-index: 3;
      }
      header.top {
        background: var(--cc-text);
        color: #fff;
        padding: 0.4rem 1rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        align-items: center;
        justify-content: space-between;
      }
      header.top.paused {
        background: var(--cc-warn);
      }
      header.top .who {
        font-weight: 700;
        overflow-wrap: anywhere;
        min-width: 0;
      }
      header.top .stats {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.9rem;
        align-items: center;
        font-variant-numeric: tabular-nums;
      }
      .phase {
        font-weight: 700;
        border: 1px solid #fff;
        border-radius: 999px;
        padding: 0 0.6em;
        white-space: nowrap;
      }
      .left {
        display: inline-flex;
        flex-direction: column;
        line-height: 1.15;
      }
      .left strong {
        font-size: 1.05rem;
      }
      .sim {
        font-size: 0.75rem;
        opacity: 0.9;
      }
      .pts,
      .rank {
        font-weight: 700;
        white-space: nowrap;
      }
      .delta {
        display: inline-block;
        margin-left: 0.3em;
        padding: 0 0.35em;
        border-radius: 4px;
        font-size: 0.85em;
        background: #fff;
        color: var(--cc-ok);
      }
      .delta.down {
        color: var(--cc-danger);
      }
      @media (prefers-reduced-motion: no-preference) {
        .delta {
          animation: cc-rise 0.5s ease-out;
        }
      }
      @keyframes cc-rise {
        from {
          transform: translateY(0.4em);
          opacity: 0;
        }
      }
      header.top.narrow {
        display: grid;
        gap: 0.15rem;
        font-size: 0.875rem;
        padding: 0.3rem 0.6rem 0.35rem;
      }
      header.top.narrow .line1 {
        display: flex;
        gap: 0.4rem;
        align-items: center;
        min-width: 0;
      }
      header.top.narrow .who {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      header.top.narrow .stats {
        flex-wrap: nowrap;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
      }
      header.top.narrow .left {
        flex-direction: row;
        flex-wrap: wrap;
        align-items: baseline;
        column-gap: 0.35rem;
        min-width: 0;
      }
      header.top.narrow .left strong {
        font-size: 1rem;
        white-space: nowrap;
      }
      header.top.narrow .sim {
        font-size: 0.7rem;
      }
      @media (min-width: 760px) {
        header.top {
          flex-wrap: nowrap;
        }
        header.top .who {
          overflow: hidden;
          text-overflow: ellipsis;
          white-space: nowrap;
        }
        header.top .stats {
          flex-wrap: nowrap;
          white-space: nowrap;
        }
      }
      .offline .waiting {
        display: block;
        font-weight: 400;
        font-size: 0.875rem;
      }
      .offline {
        margin: 0;
        padding: 0.4rem 1rem;
        background: var(--cc-warn-soft);
        border-bottom: 2px solid var(--cc-warn);
        font-weight: 600;
      }
      .live-event {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
        padding: 0.3rem 0.6rem;
        background: var(--cc-danger-soft);
        border-bottom: 3px solid var(--cc-danger);
        color: var(--cc-text);
        font-size: 0.9rem;
      }
      .live-event p {
        margin: 0;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .live-left {
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .live-event button {
        flex: none;
        min-height: 2.75rem;
        background: var(--cc-surface);
      }
      @media (prefers-reduced-motion: no-preference) {
        .live-event {
          animation: cc-drop 0.3s ease-out;
        }
      }
      @keyframes cc-drop {
        from {
          transform: translateY(-0.5rem);
          opacity: 0;
        }
      }
      .more-apps {
        position: sticky;
        bottom: -0.9rem;
        margin: 0 -1rem -0.9rem;
        padding: 1.75rem 1rem 0.6rem;
        border-radius: 0 0 var(--cc-radius) var(--cc-radius);
        text-align: center;
        font-weight: 700;
        font-size: 0.9rem;
        color: var(--cc-accent);
        background: linear-gradient(to bottom, transparent, var(--cc-surface) 55%);
        pointer-events: none;
      }
      /* Opened from the event strip: clear of the sticky bar. */
      [data-testid='section-events'] {
        scroll-margin-top: 7rem;
      }
      main {
        padding: 0.75rem 1rem 2rem;
        max-width: 120rem;
        margin: 0 auto;
      }
      main.placing {
        padding-bottom: 6rem;
      }
      h1 {
        font-size: 1.35rem;
        margin: 0.2rem 0 0.4rem;
      }
      .intro {
        color: var(--cc-muted);
        max-width: 60em;
      }
      cc-concept-check.check {
        margin: 0 0 0.9rem;
      }
      .check-closed {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        color: var(--cc-muted);
      }
      .what-if {
        margin: 0 0 0.9rem;
      }
      .phase-note {
        border-left: 6px solid var(--cc-info);
        background: var(--cc-info-soft);
        border-radius: 6px;
        padding: 0.5rem 0.75rem;
        margin: 0.5rem 0;
      }
      .phase-note.paused {
        border-left-color: var(--cc-warn);
        background: var(--cc-warn-soft);
        font-weight: 700;
      }
      .layout {
        display: grid;
        gap: var(--cc-gap);
        grid-template-columns: minmax(0, 1fr);
        margin-top: 0.5rem;
      }
      @media (min-width: 760px) {
        .layout {
          grid-template-columns: minmax(15rem, 19rem) minmax(0, 1fr);
          align-items: start;
        }
        /* The palette stays in view while the board scrolls, so any host can take a drop. */
        .palette {
          position: sticky;
          top: 3.5rem;
          max-height: calc(100vh - 4rem);
          overflow-y: auto;
        }
        .side {
          grid-column: 1 / -1;
          display: grid;
          grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
          gap: var(--cc-gap);
          align-content: start;
        }
        .layout.over {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      @media (min-width: 1280px) {
        .layout {
          grid-template-columns: minmax(16rem, 20rem) minmax(0, 1fr) minmax(17rem, 22rem);
        }
        .layout.over {
          grid-template-columns: minmax(0, 1fr) minmax(17rem, 22rem);
        }
        .side {
          grid-column: auto;
          grid-template-columns: minmax(0, 1fr);
        }
      }
      @media (max-width: 759px) {
        main {
          padding: 0.5rem 0.6rem 1.5rem;
        }
        h1 {
          font-size: 1.1rem;
        }
        .panel {
          padding: 0.6rem 0.65rem;
        }
        .side {
          display: grid;
          gap: 0.5rem;
        }
      }
      .board-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        justify-content: space-between;
        align-items: baseline;
      }
      .side > details,
      .palette,
      .board {
        min-width: 0;
      }
      details.panel > summary {
        cursor: pointer;
        list-style: none;
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        min-height: 2.75rem;
        margin: -0.3rem 0;
      }
      details.panel > summary::-webkit-details-marker {
        display: none;
      }
      details.panel > summary h2 {
        margin: 0;
      }
      details.panel > summary .glance {
        color: var(--cc-muted);
        font-size: 0.9rem;
        font-weight: 600;
        margin-left: auto;
        white-space: nowrap;
      }
      details.panel > summary::after {
        content: '';
        flex: none;
        width: 0.55rem;
        height: 0.55rem;
        border-right: 2px solid currentColor;
        border-bottom: 2px solid currentColor;
        transform: rotate(45deg);
        margin: 0 0.3rem 0.2rem;
      }
      details.panel[open] > summary::after {
        transform: rotate(225deg);
        margin-bottom: -0.2rem;
      }
      details.panel[open] > summary {
        margin-bottom: 0.4rem;
      }
      .rank-line {
        font-size: 1.1rem;
        margin: 0 0 0.4rem;
      }
      .latest {
        margin: 0.5rem 0;
      }
      /* Feedback in view wherever the student is: fixed to the bottom of the viewport. */
      .toast {
        position: fixed;
        left: 0.6rem;
        right: 0.6rem;
        /* --cc-bottom-bar: a bar the page keeps at the bottom (a self-paced attempt's clock). */
        bottom: calc(0.6rem + var(--cc-bottom-bar, 0px));
        z-index: 4;
        max-width: 36rem;
        margin: 0 auto;
        pointer-events: none;
      }
      .toast.lifted {
        bottom: calc(5rem + var(--cc-bottom-bar, 0px));
      }
      .toast cc-refusal-note {
        pointer-events: auto;
        box-shadow: 0 6px 24px rgb(0 0 0 / 25%);
        border-radius: 6px;
        background: var(--cc-surface);
      }
      .prompt {
        position: fixed;
        left: 0;
        right: 0;
        bottom: var(--cc-bottom-bar, 0px);
        z-index: 3;
        background: var(--cc-accent);
        color: var(--cc-accent-text);
        padding: 0.6rem 0.9rem calc(0.6rem + env(safe-area-inset-bottom, 0px));
        display: flex;
        gap: 0.75rem;
        align-items: center;
        justify-content: space-between;
        box-shadow: 0 -4px 16px rgb(0 0 0 / 20%);
      }
      .prompt p {
        margin: 0;
        font-weight: 600;
      }
      .prompt button {
        background: var(--cc-surface);
        min-height: 2.75rem;
        flex: none;
      }
      @media (prefers-reduced-motion: no-preference) {
        .prompt {
          animation: cc-slide-up 0.2s ease-out;
        }
      }
      @keyframes cc-slide-up {
        from {
          transform: translateY(100%);
        }
      }
      .countdown {
        position: fixed;
        inset: 0;
        z-index: 5;
        display: grid;
        place-items: center;
        pointer-events: none;
        background: rgb(10 14 22 / 35%);
      }
      .countdown div {
        background: var(--cc-text);
        color: #fff;
        border-radius: 1rem;
        padding: 1rem 2.5rem;
        text-align: center;
        box-shadow: 0 8px 40px rgb(0 0 0 / 40%);
      }
      .countdown .n {
        display: block;
        font-size: 6rem;
        font-weight: 800;
        line-height: 1;
        font-variant-numeric: tabular-nums;
      }
      @media (prefers-reduced-motion: no-preference) {
        .countdown .n {
          animation: cc-beat 1s ease-out infinite;
        }
      }
      @keyframes cc-beat {
        from {
          transform: scale(1.35);
          opacity: 0.4;
        }
        30% {
          transform: scale(1);
          opacity: 1;
        }
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) view: StudentView | null = null;
  @property() connection: Connection = 'online';
  /** The last refused action, explained (or a move that could not be sent). */
  @property({ attribute: false }) refusal: ProtocolError | null = null;
  /** Moves waiting for the seat to come back, oldest first, and whether the seat is there now. */
  @property({ attribute: false }) waiting: readonly PlayerActionInput[] = [];
  @property({ type: Boolean }) seated = true;
  @property({ type: Boolean }) ready = false;
  /** A message from the server to everyone (restarting, degraded). */
  @property() notice: string | null = null;
  /** A self-paced attempt: no class to rank against, and the student's own clock (not the teacher) pauses. */
  @property({ type: Boolean }) alone = false;
  /** Played in this browser (a replay's what-if branch): no connection to show. */
  @property({ type: Boolean }) local = false;
  /** The session's replay id: the debrief links to a "what if" on the student's own cluster. */
  @property() replayId: string | null = null;
  /** Concept-check answers the server has confirmed that the view does not carry yet. */
  @property({ attribute: false }) answers: readonly AnswerResult[] = [];
  /** A concept-check answer is on its way. */
  @property({ type: Boolean }) answering = false;
  /** Concept checks the student closed (answered and went on, or skipped): shown again only if asked. */
  @state() private _checkClosed: Partial<Record<CheckStage, boolean>> = {};
  @query('cc-place-dialog') private _place!: PlaceDialog;
  @query('cc-vm-dialog') private _vm!: VmDialog;
  @query('cc-instance-dialog') private _inspect!: InstanceDialog;
  @query('cc-vm-manage-dialog') private _manageVm!: VmManageDialog;

  /** The app picked for tap-to-place, waiting for a host. */
  @state() private _selected: string | null = null;
  @state() private _tap = false;
  @state() private _narrow = false;
  /** Sections the student opened or closed; the rest follow the screen size. */
  @state() private _open: Partial<Record<Section, boolean>> = {};
  @state() private _rankDelta = 0;
  /** The palette is a scroll box on a larger screen: whether more of it is below what shows. */
  @state() private _paletteMore = false;
  private _paletteBox: Element | null = null;
  private _paletteSize = new ResizeObserver(() => this._checkPalette());
  private _lastRank: number | null = null;
  private _rankTimer: ReturnType<typeof setTimeout> | undefined;
  private _tapMedia = window.matchMedia(TAP_QUERY);
  private _narrowMedia = window.matchMedia(NARROW_QUERY);

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('cc-place-app', this._onPlaceApp);
    this.addEventListener('cc-new-vm', this._onNewVm);
    this.addEventListener('cc-inspect', this._onInspect);
    this.addEventListener('cc-manage-vm', this._onManageVm);
    this.addEventListener('cc-select-app', this._onSelectApp);
    this.addEventListener('cc-place-on', this._onPlaceOn);
    this.addEventListener('cc-placed', this._onPlaced);
    this._tapMedia.addEventListener('change', this._onMedia);
    this._narrowMedia.addEventListener('change', this._onMedia);
    this._onMedia();
  }

  override disconnectedCallback(): void {
    this.removeEventListener('cc-place-app', this._onPlaceApp);
    this.removeEventListener('cc-new-vm', this._onNewVm);
    this.removeEventListener('cc-inspect', this._onInspect);
    this.removeEventListener('cc-manage-vm', this._onManageVm);
    this.removeEventListener('cc-select-app', this._onSelectApp);
    this.removeEventListener('cc-place-on', this._onPlaceOn);
    this.removeEventListener('cc-placed', this._onPlaced);
    this._tapMedia.removeEventListener('change', this._onMedia);
    this._narrowMedia.removeEventListener('change', this._onMedia);
    clearTimeout(this._rankTimer);
    this._paletteSize.disconnect();
    this._paletteBox = null;
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('view') || !this.view) return;
    const { rank, room } = this.view;
    // A rank change is news only while the clock runs (in the lobby everyone is level).
    if (this._lastRank !== null && rank !== this._lastRank && room.phase !== 'lobby') {
      this._rankDelta = this._lastRank - rank;
      clearTimeout(this._rankTimer);
      this._rankTimer = setTimeout(() => (this._rankDelta = 0), RANK_CHANGE_MS);
    }
    this._lastRank = rank;
    const over = room.phase === 'debrief' || room.phase === 'ended';
    if (over) this._selected = null;
  }

  protected override updated(): void {
    // Watch the palette box and what is in it (it comes and goes with the phase).
    const box = this.renderRoot.querySelector('section.palette');
    if (box === this._paletteBox) return;
    this._paletteSize.disconnect();
    this._paletteBox = box;
    if (box) {
      this._paletteSize.observe(box);
      const list = box.querySelector('cc-app-palette');
      if (list) this._paletteSize.observe(list);
    } else this._paletteMore = false;
  }

  /** A box cut at an app card reads as a rendering bug: a hint says the list goes on. */
  private _checkPalette = () => {
    const box = this._paletteBox as HTMLElement | null;
    const more = !!box && box.scrollHeight - box.clientHeight - box.scrollTop > 8;
    if (more !== this._paletteMore) this._paletteMore = more;
  };

  override render() {
    const { room, view } = this;
    if (!room || !view) return html`<main><p>Loading your cluster…</p></main>`;
    const phase = view.room.phase;
    const over = phase === 'debrief' || phase === 'ended';
    const appNames = new Map(room.scenario.apps.map((a) => [a.id, a.name]));
    const allowVms = room.scenario.allow.runtimes.includes('vm');
    const latest = view.banners.at(-1);
    const live = this._liveEvent(view);
    const selected = room.scenario.apps.find((a) => a.id === this._selected) ?? null;
    return html`
      <div class="sticky">${this._renderBar(view)} ${this._narrow ? this._renderLiveStrip(live, view) : ''} ${this._renderOffline()}</div>
      <p class="visually-hidden" aria-live="polite" data-testid="event-announcer">${latest && !over ? `Event: ${latest.title}. ${latest.detail}` : ''}</p>
      <main class=${selected ? 'placing' : ''}>
        ${this.notice ? html`<p class="phase-note paused" role="status" data-testid="server-notice">${this.notice}</p>` : ''}
        <h1>${room.scenario.title}</h1>
        ${phase === 'lobby' ? this._renderCheck(view) : ''}
        ${phase === 'lobby' ? html`<p class="intro">${room.scenario.summary}</p>` : ''}
        ${this._phaseNote(phase)}
        ${live && !this._narrow
          ? html`<section class="latest" aria-label="Event on now" data-testid="latest-event">
              <cc-event-feed .banners=${[live.banner]} .effects=${live.effects} .appNames=${appNames} .timeS=${view.room.timeS} .speed=${view.room.speed}></cc-event-feed>
            </section>`
          : ''}
        ${over ? html`<cc-debrief-panel .room=${room} .view=${view}></cc-debrief-panel>${this._renderCheck(view)}${this._renderWhatIf(view)}` : ''}
        <div class="layout ${over ? 'over' : ''}">
          ${over
            ? ''
            : html`<section class="palette panel" aria-labelledby="apps-title" @scroll=${this._checkPalette}>
                <h2 id="apps-title">Apps to place</h2>
                <cc-app-palette .room=${room} .instances=${view.cluster.instances} .selected=${this._selected} ?tap=${this._tap}></cc-app-palette>
                ${this._paletteMore ? html`<div class="more-apps" aria-hidden="true" data-testid="palette-more">More apps below: scroll the list ↓</div>` : ''}
              </section>`}
          <section class="board" aria-labelledby="board-title">
            <div class="board-head">
              <h2 id="board-title">Your cluster</h2>
              ${over
                ? ''
                : html`<div class="row">
                    ${allowVms
                      ? html`<button type="button" class="small" data-testid="new-vm-any" aria-haspopup="dialog" @click=${() => this._vm.show(null)}>+ New VM</button>`
                      : ''}
                    ${phase === 'lobby'
                      ? html`<button type="button" class="small ${this.ready ? '' : 'primary'}" data-testid="ready" aria-pressed=${String(this.ready)} @click=${this._onReady}>
                          ${this.ready ? 'Ready ✓ (undo)' : 'I’m ready'}
                        </button>`
                      : ''}
                  </div>`}
            </div>
            <cc-cluster-board
              .cluster=${view.cluster}
              .room=${room}
              .timeS=${view.room.timeS}
              .speed=${view.room.speed}
              .phase=${phase}
              .placing=${selected?.id ?? null}
              ?compact=${this._narrow}
              ?readonly=${over}
            ></cc-cluster-board>
          </section>
          <div class="side">
            ${this._section(
              'score',
              'Score',
              html`<span data-testid="score-glance"><cc-count-up .value=${view.score.total}></cc-count-up> pts</span>`,
              html`<cc-score-panel animated .score=${view.score} .appNames=${appNames} .budget=${room.scenario.budget} .instances=${view.cluster.instances}></cc-score-panel>`,
            )}
            ${this.alone ? '' : this._section(
              'top',
              'Class top 5',
              html`#${view.rank} of ${view.of}`,
              html`<p class="rank-line">You are <strong>#${view.rank}</strong> of ${view.of}</p>
                <cc-leaderboard .rows=${view.top} you=${view.you.clusterId}></cc-leaderboard>`,
            )}
            ${this._section(
              'events',
              'Events',
              html`${view.banners.length}`,
              html`<cc-event-feed .banners=${view.banners} .effects=${over ? [] : view.effects} .appNames=${appNames} .timeS=${view.room.timeS} .speed=${view.room.speed}></cc-event-feed>`,
            )}
            ${this._section(
              'incidents',
              'What happened to your cluster',
              html`${view.incidents.length}`,
              html`<cc-incident-list .incidents=${view.incidents}></cc-incident-list>`,
            )}
          </div>
        </div>
      </main>
      <div class="toast ${selected ? 'lifted' : ''}" role="alert" data-testid="refusal-region"><cc-refusal-note compact .refusal=${this.refusal}></cc-refusal-note></div>
      ${selected
        ? html`<div class="prompt" data-testid="place-prompt">
            <p role="status">Tap a host to place <strong>${selected.name}</strong></p>
            <button type="button" class="small" data-testid="place-prompt-cancel" @click=${() => (this._selected = null)}>Cancel</button>
          </div>`
        : ''}
      ${view.room.countdown > 0
        ? html`<div class="countdown" data-testid="countdown" role="status">
            <div><span class="n" data-testid="countdown-number">${Math.ceil(view.room.countdown)}</span>Get ready: the clock starts…</div>
          </div>`
        : ''}
      <cc-place-dialog .room=${room} .cluster=${view.cluster}></cc-place-dialog>
      <cc-vm-dialog .room=${room} .cluster=${view.cluster}></cc-vm-dialog>
      <cc-instance-dialog .room=${room} .cluster=${view.cluster} .timeS=${view.room.timeS} .speed=${view.room.speed}></cc-instance-dialog>
      <cc-vm-manage-dialog .room=${room} .cluster=${view.cluster}></cc-vm-manage-dialog>
    `;
  }

  /** The concept check open now (lobby: before, debrief: after), or a line to reopen it once closed. */
  private _renderCheck(view: StudentView) {
    const check = view.check;
    if (!check || check.questions.length === 0) return '';
    const confirmed = new Map(check.results.map((r) => [r.questionId, r]));
    for (const r of this.answers) if (!confirmed.has(r.questionId) && check.questions.some((q) => q.id === r.questionId)) confirmed.set(r.questionId, r);
    const results = [...confirmed.values()];
    const done = results.length >= check.questions.length;
    if (this._checkClosed[check.stage]) {
      return html`<p class="check-closed" data-testid="check-closed">
        ${done ? `Questions done: ${results.filter((r) => r.correct).length} of ${check.questions.length} right.` : 'You skipped the questions.'}
        ${done ? '' : html`<button type="button" class="small" data-testid="check-reopen" @click=${() => (this._checkClosed = { ...this._checkClosed, [check.stage]: false })}>Answer them now</button>`}
      </p>`;
    }
    return html`<cc-concept-check
      class="check"
      .stage=${check.stage}
      .questions=${check.questions}
      .results=${results}
      ?busy=${this.answering}
      @cc-check-done=${() => (this._checkClosed = { ...this._checkClosed, [check.stage]: true })}
    ></cc-concept-check>`;
  }

  /** At the debrief: the replay of this session, on the student's own cluster, ready for a "what if". */
  private _renderWhatIf(view: StudentView) {
    if (!this.replayId || this.alone || this.local) return '';
    const href = `/replay/${encodeURIComponent(this.replayId)}?cluster=${encodeURIComponent(view.you.clusterId)}&whatif=1`;
    return html`<p class="what-if"><a class="button" href=${href} data-testid="what-if-link">Replay it and try a what if</a></p>`;
  }

  /** The sticky bar: who, the phase, the real time left (simulated clock labelled), rank with its change, points. */
  private _renderBar(view: StudentView) {
    const { phase, timeS, durationS, speed } = view.room;
    const paused = phase === 'paused';
    const realLeft = realSeconds(Math.max(0, durationS - timeS), speed);
    const label = this._narrow ? (SHORT_PHASE[phase] ?? phase) : (PHASE_LABEL[phase] ?? phase);
    const pill = html`<span class="phase" data-testid="phase" data-phase=${phase}>${paused ? html`${icon('clock')} ` : ''}${label}</span>`;
    const left =
      phase === 'lobby'
        ? html`<strong>${realDuration(realLeft)} to play</strong>`
        : phase === 'debrief' || phase === 'ended'
          ? html`<strong data-testid="time-left">${timeS < durationS ? 'Run ended' : 'Time is up'}</strong>`
          : html`<strong data-testid="time-left">${realClock(realLeft)} left${paused ? ' · paused' : ''}</strong>`;
    const d = this._rankDelta;
    const rank = html`<span class="rank" data-testid="rank"
      >Rank ${view.rank} of ${view.of}${d !== 0
        ? html`<span class="delta ${d > 0 ? 'up' : 'down'}" data-testid="rank-change"
            >${d > 0 ? '↑' : '↓'}${Math.abs(d)}<span class="visually-hidden"> (${d > 0 ? 'up' : 'down'} ${Math.abs(d)})</span></span
          >`
        : ''}</span
    >`;
    const clock = html`<span class="left" data-testid="clock">${left}<span class="sim">simulated ${clockText(timeS)} / ${clockText(durationS)}</span></span>`;
    const pts = html`<span class="pts" data-testid="bar-points"><cc-count-up .value=${view.score.total}></cc-count-up> pts</span>`;
    const who = html`<span class="who"><span data-testid="you">${view.you.nickname}${view.you.teamName ? html` · ${view.you.teamName}` : ''}</span></span>`;
    const status = this.local ? '' : html`<cc-connection-status .connection=${this.connection}></cc-connection-status>`;
    // A phone: who, the phase and the connection on one line; time, rank and points on the next.
    if (this._narrow)
      return html`<header class="top narrow ${paused ? 'paused' : ''}" data-testid="score-bar">
        <span class="line1">${who} ${pill} ${status}</span>
        <span class="stats">${clock} ${this.alone ? '' : rank} ${pts}</span>
      </header>`;
    return html`<header class="top ${paused ? 'paused' : ''}" data-testid="score-bar">
      ${who}
      <span class="stats">${pill} ${clock} ${this.alone ? '' : rank} ${pts} ${status}</span>
    </header>`;
  }

  /** While the seat is away: moves wait, and the student is told so, and which (never "join a room first"). */
  private _renderOffline() {
    const n = this.waiting.length;
    if (this.connection === 'online' && (this.seated || n === 0)) return '';
    const text =
      n > 0
        ? `Offline: your ${n === 1 ? 'move' : `${n} moves`} will be sent when you are back.`
        : 'Offline: reconnecting… Keep planning: a move you make now is sent when you are back.';
    return html`<div class="offline" role="status" data-testid="offline-banner" data-waiting=${n}>
      ${icon('ring')} ${text}
      ${n > 0 ? html`<span class="waiting" data-testid="offline-moves">Waiting: ${this._describeMoves()}</span>` : ''}
    </div>`;
  }

  /**
   * The event that matters now, while the clock runs: the newest one whose effect is still on (a
   * traffic spike, a noisy neighbour), or that fired a moment ago (an exploit, a host failure).
   */
  private _liveEvent(view: StudentView): { banner: EventBanner; effects: ActiveEffectView[] } | null {
    const { phase, timeS, speed } = view.room;
    if (phase !== 'running' && phase !== 'paused') return null;
    const recentS = Math.max(RECENT_S, simPerRealSecond(speed) * RECENT_REAL_S);
    for (let i = view.banners.length - 1; i >= 0; i--) {
      const banner = view.banners[i]!;
      const effects = view.effects.filter((e) => e.type === banner.type && e.untilS > timeS);
      if (effects.length > 0 || timeS - banner.atS <= recentS) return { banner, effects };
    }
    return null;
  }

  /** A phone's first screen shows the event that is on, under the bar, wherever the student has scrolled to. */
  private _renderLiveStrip(live: { banner: EventBanner; effects: ActiveEffectView[] } | null, view: StudentView) {
    if (!live) return '';
    const { banner, effects } = live;
    const until = Math.max(...effects.map((e) => e.untilS));
    return html`<div class="live-event" data-testid="live-event" data-type=${banner.type}>
      <p>
        ${icon(EVENT_ICON[banner.type] ?? 'warning')} <strong>${banner.title}</strong>${effects.length > 0
          ? html` · <span class="live-left" data-testid="live-event-left">${realLeft(until, view.room.timeS, view.room.speed)} left</span>`
          : ''}
      </p>
      <button type="button" class="small" data-testid="live-event-more" aria-label="Event details: ${banner.title}" @click=${this._onShowEvents}>Details</button>
    </div>`;
  }

  /** Opens the Events section and brings it into view. */
  private _onShowEvents = async () => {
    this._open = { ...this._open, events: true };
    await this.updateComplete;
    this.renderRoot.querySelector('[data-testid=section-events]')?.scrollIntoView({ block: 'start', behavior: reducedMotion() ? 'auto' : 'smooth' });
  };

  /** The waiting moves in board words: "Shop front end on Linux host 1 ×2, a new VM". */
  private _describeMoves(): string {
    const room = this.room!;
    const app = (id: string) => room.scenario.apps.find((a) => a.id === id)?.name ?? 'an app';
    const place = (id: string) => room.scenario.hosts.find((h) => h.id === id)?.name ?? `VM ${id}`;
    const words = this.waiting.map((a) => {
      switch (a.type) {
        case 'deploy':
          return `${app(a.appId)} on ${place(a.target)}`;
        case 'createVm':
          return `a new VM on ${place(a.hostId)}`;
        case 'ready':
          return a.ready === false ? 'not ready' : 'ready';
        default:
          return 'a change to your cluster';
      }
    });
    const counted = new Map<string, number>();
    for (const w of words) counted.set(w, (counted.get(w) ?? 0) + 1);
    return [...counted].map(([w, k]) => (k > 1 ? `${w} ×${k}` : w)).join(', ');
  }

  /** A side section: open on a wide screen, folded on a phone unless the student opened it. */
  private _section(id: Section, title: string, glance: unknown, body: unknown) {
    const open = this._open[id] ?? !this._narrow;
    return html`<details class="panel" data-testid="section-${id}" .open=${open} @toggle=${(e: Event) => this._onToggle(id, e)}>
      <summary><h2 id="${id}-title">${title}</h2><span class="glance">${glance}</span></summary>
      ${body}
    </details>`;
  }

  private _phaseNote(phase: string) {
    const { timeS, durationS } = this.view!.room;
    switch (phase) {
      case 'lobby':
        return html`<p class="phase-note" role="status" data-testid="phase-note">
          Waiting for your teacher to start. Plan now: what you place starts booting when the clock starts.
        </p>`;
      case 'paused':
        return html`<p class="phase-note paused" role="status" data-testid="phase-note">
          ${icon('clock')} ${this.local ? 'The what-if’s clock stands here: change the cluster, then play or run the rest.' : this.alone ? 'Paused. Your clock has stopped; you can still change your cluster, then press Resume.' : 'Paused by your teacher. The clock has stopped; you can still change your cluster.'}
        </p>`;
      case 'debrief':
        // The teacher may move on before the clock runs out: say so, or a student wonders where the time went.
        return html`<p class="phase-note" role="status" data-testid="phase-note">
          ${timeS < durationS ? `Your teacher ended the run at simulated ${clockText(timeS)}.` : 'Time is up.'} Read the debrief below.
        </p>`;
      case 'ended':
        return html`<p class="phase-note" role="status" data-testid="phase-note">This session has ended. Thanks for playing!</p>`;
      default:
        return '';
    }
  }

  private _onToggle(id: Section, e: Event) {
    const open = (e.target as HTMLDetailsElement).open;
    if (open === (this._open[id] ?? !this._narrow)) return;
    this._open = { ...this._open, [id]: open };
  }

  private _onMedia = () => {
    this._tap = this._tapMedia.matches;
    this._narrow = this._narrowMedia.matches;
  };

  private _onPlaceApp = (e: CustomEvent<{ appId: string }>) => {
    void this._place.show(e.detail.appId);
  };

  private _onSelectApp = (e: CustomEvent<{ appId: string | null }>) => {
    this._selected = e.detail.appId;
  };

  /** A host or VM tapped while an app is selected: the Place dialog, pre-filled, confirms it. */
  private _onPlaceOn = (e: CustomEvent<{ target: string }>) => {
    if (!this._selected) return;
    void this._place.show(this._selected, e.detail.target);
  };

  private _onPlaced = () => {
    this._selected = null;
  };

  private _onNewVm = (e: CustomEvent<{ hostId: string | null }>) => {
    void this._vm.show(e.detail.hostId);
  };

  private _onInspect = (e: CustomEvent<{ instanceId: string }>) => {
    void this._inspect.show(e.detail.instanceId);
  };

  private _onManageVm = (e: CustomEvent<{ vmId: string }>) => {
    void this._manageVm.show(e.detail.vmId);
  };

  private _onReady() {
    act(this, { type: 'ready', ready: !this.ready });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-student-screen': StudentScreen;
  }
}
