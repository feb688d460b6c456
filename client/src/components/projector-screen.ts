import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { ProjectorView, RoomHeader, RoomStatic } from '../../../shared/views/types.ts';
import { realClock, realDuration, realSeconds } from '../../../shared/views/pace.ts';
import { PHASE_LABEL } from '../lib/format.ts';
import { icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import { Beeper } from './sound.ts';
import type { StandingRow } from './projector-standings.ts';
import './celebration.ts';
import './projector-banner.ts';
import './projector-checks.ts';
import './projector-debrief.ts';
import './projector-join.ts';
import './projector-roster.ts';
import './projector-standings.ts';

const realLeft = (h: RoomHeader): number => realSeconds(Math.max(0, h.durationS - h.timeS), h.speed);

/**
 * The teacher's big screen, a show readable from the back of a room at any size from 1280×720 up,
 * and never scrolling: in the lobby a big join box and who is here; once running the join box in a
 * corner, the standings that fit, the events with what they did to the class and the real time
 * left; a 3-2-1 countdown, a pause overlay; at the debrief a podium, confetti, the most-missed idea
 * and the reference plans. It shows; it has nothing that drives the room (its one button is sound).
 */
@customElement('cc-projector-screen')
export class ProjectorScreen extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        position: relative;
        height: 100vh;
        height: 100dvh;
        overflow: hidden;
        background: #0b0f17;
        color: #fff;
        --cc-text: #ffffff;
        --cc-muted: #c5ccd8;
        --cc-surface: #161c28;
        --cc-surface-2: #222a3a;
        --cc-border: #4a5468;
        --cc-accent: #8fb3ff;
        --cc-accent-text: #0b0f17;
        --cc-accent-soft: #1d2b4d;
        --cc-warn: #ffd27a;
        --cc-warn-soft: #3a2c0c;
        --cc-danger: #ff9c94;
        --cc-danger-soft: #45160f;
        --cc-focus: #ffb454;
        /* One size from the smaller side of the screen: 1280×720 is 1920×1080 scaled down. */
        font-size: clamp(13px, min(2.2vh, 1.24vw), 48px);
      }
      main {
        height: 100%;
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        gap: 2vh;
        padding: 2.2vh 2.2vw;
      }
      header {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto auto;
        gap: 0 2vw;
        align-items: center;
      }
      h1 {
        font-size: 2.1em;
        margin: 0;
        overflow: hidden;
        display: -webkit-box;
        -webkit-box-orient: vertical;
        -webkit-line-clamp: 2;
      }
      h1.small {
        font-size: 1.7em;
      }
      .status {
        margin: 0.2em 0 0;
        font-size: 1.25em;
        font-weight: 700;
        color: var(--cc-muted);
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.8em;
        align-items: center;
      }
      .phase {
        color: var(--cc-text);
      }
      .left {
        text-align: right;
        line-height: 1;
      }
      .left .clock {
        display: block;
        font-size: 3.4em;
        font-weight: 900;
        font-variant-numeric: tabular-nums;
      }
      .left .what {
        font-size: 1.1em;
        color: var(--cc-muted);
        font-weight: 700;
      }
      .left.low .clock {
        color: var(--cc-warn);
      }
      .body {
        min-height: 0;
        display: grid;
        gap: 2vh 2vw;
      }
      .body.lobby {
        grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr);
      }
      .body.live {
        grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
      }
      .body.debrief {
        grid-template-columns: minmax(0, 1fr);
      }
      .body.debrief.with-checks {
        grid-template-rows: minmax(0, 1fr) auto;
      }
      .checked {
        font-size: 0.8em;
        color: var(--cc-muted);
        display: inline-flex;
        gap: 0.3em;
        align-items: center;
      }
      .panel {
        min-height: 0;
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        background: var(--cc-surface);
        border: 2px solid var(--cc-border);
        border-radius: 16px;
        padding: 1.8vh 1.6vw;
        overflow: hidden;
      }
      h2 {
        font-size: 1.5em;
        margin: 0 0 0.5em;
        display: flex;
        gap: 0.5em;
        align-items: baseline;
        justify-content: space-between;
      }
      .count {
        font-size: 1.6em;
        font-weight: 900;
        font-variant-numeric: tabular-nums;
      }
      .standings {
        font-size: 1.45em;
      }
      .overlay {
        position: absolute;
        inset: 0;
        z-index: 4;
        display: grid;
        place-content: center;
        justify-items: center;
        text-align: center;
        gap: 2vh;
        background: rgb(5 8 14 / 82%);
      }
      .overlay .big {
        font-size: min(48vh, 28vw);
        font-weight: 900;
        line-height: 1;
        font-variant-numeric: tabular-nums;
        animation: pop 0.9s cubic-bezier(0.2, 0.8, 0.2, 1) both;
      }
      .overlay .words {
        font-size: 3em;
        font-weight: 800;
        margin: 0;
      }
      .overlay .hint {
        font-size: 1.6em;
        color: var(--cc-muted);
      }
      .overlay.paused {
        /* Lighter than the countdown: the class talks about the board behind it. */
        background: rgb(5 8 14 / 35%);
        align-content: end;
        padding-bottom: 5vh;
      }
      .paused .card {
        display: grid;
        justify-items: center;
        gap: 1vh;
        background: var(--cc-surface);
        border: 3px solid var(--cc-warn);
        border-radius: 20px;
        padding: 2.5vh 4vw;
        box-shadow: 0 1vh 6vh rgb(0 0 0 / 60%);
      }
      .paused .sign {
        display: flex;
        gap: 0.3em;
        align-items: center;
        font-size: 5em;
        font-weight: 900;
        line-height: 1;
        margin: 0;
        animation: breathe 2.4s ease-in-out infinite;
      }
      @keyframes pop {
        0% {
          transform: scale(1.8);
          opacity: 0;
        }
        35% {
          transform: scale(1);
          opacity: 1;
        }
        100% {
          transform: scale(0.9);
          opacity: 0.85;
        }
      }
      @keyframes breathe {
        50% {
          opacity: 0.65;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .overlay .big,
        .paused .sign {
          animation: none;
        }
      }
      button.sound {
        font-size: 0.7em;
        min-height: 2.2rem;
        align-self: center;
        background: var(--cc-surface);
        /* Above the overlays: the one control here stays reachable. */
        position: relative;
        z-index: 6;
      }
      .connecting {
        display: grid;
        place-content: center;
        height: 100%;
        font-size: 2em;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) view: ProjectorView | null = null;
  @property() joinUrl = '';
  @state() private _sound = false;

  private _beeper = new Beeper();
  private _lastCount = 0;
  private _lastBanner = -1;
  private _lastPhase = '';

  override disconnectedCallback(): void {
    this._beeper.close();
    super.disconnectedCallback();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('view') || !this.view) return;
    // Sound follows what the screen shows; it is never the only signal.
    const v = this.view;
    const count = Math.ceil(v.room.countdown);
    if (count !== this._lastCount) {
      if (count > 0) this._beeper.countdown(count);
      else if (this._lastCount > 0) this._beeper.countdown(0);
    }
    this._lastCount = count;
    const latest = v.banners.at(-1)?.seq ?? -1;
    if (this._lastBanner !== -1 && latest > this._lastBanner) this._beeper.event();
    this._lastBanner = latest;
    if (v.room.phase === 'debrief' && this._lastPhase && this._lastPhase !== 'debrief') this._beeper.fanfare();
    this._lastPhase = v.room.phase;
  }

  override render() {
    const { view } = this;
    if (!view) return html`<main><p class="connecting" role="status">Connecting…</p></main>`;
    const phase = view.room.phase;
    const over = phase === 'debrief' || phase === 'ended';
    return html`<main data-testid="projector" data-phase=${phase}>
        ${this._header(view)}
        ${phase === 'lobby' ? this._lobby(view) : over ? this._debrief(view) : this._live(view)}
      </main>
      ${view.room.countdown > 0 ? this._countdown(view) : phase === 'paused' ? this._paused(view) : ''}
      ${over && view.room.timeS > 0 && (view.top.length > 0 || view.teams.length > 0) ? html`<cc-celebration></cc-celebration>` : ''}`;
  }

  private _header(view: ProjectorView) {
    const h = view.room;
    const phase = h.phase;
    const left = realLeft(h);
    const timed = phase === 'running' || phase === 'paused';
    return html`<header>
      <div>
        <h1 class=${phase === 'lobby' ? '' : 'small'}>${view.title}</h1>
        <p class="status" data-testid="projector-status" data-phase=${phase}>
          <span class="phase">${PHASE_LABEL[phase] ?? phase}</span>
          ${view.mode === 'teams' ? html`<span>Teams</span>` : ''}
          <span>${view.players} ${view.players === 1 ? 'player' : 'players'}</span>
          ${phase === 'lobby' ? html`<span>about ${realDuration(left)} to play</span>` : ''}
          ${h.locked ? html`<span>${icon('lock')} locked</span>` : ''}
          <button type="button" class="sound small" aria-pressed=${String(this._sound)} data-testid="sound-toggle" @click=${this._onSound}>
            ${icon(this._sound ? 'sound' : 'mute')} Sound ${this._sound ? 'on' : 'off'}
          </button>
        </p>
      </div>
      ${timed
        ? html`<p class="left ${left <= 30 ? 'low' : ''}" data-testid="projector-left">
            <span class="clock">${realClock(left)}</span><span class="what">left</span>
          </p>`
        : html`<span></span>`}
      ${phase === 'lobby' ? '' : html`<cc-projector-join compact code=${h.code} joinUrl=${this.joinUrl}></cc-projector-join>`}
    </header>`;
  }

  private _lobby(view: ProjectorView) {
    const teams = view.mode === 'teams' && view.teams.length > 0;
    return html`<div class="body lobby">
      <cc-projector-join code=${view.room.code} joinUrl=${this.joinUrl}></cc-projector-join>
      <section class="panel" aria-labelledby="roster-title">
        <h2 id="roster-title">
          Who is here <span><span class="count" data-testid="projector-count">${view.players}</span> joined</span>
          ${view.checks?.stage === 'before'
            ? html`<span class="checked" data-testid="projector-check-progress">${icon('check')} ${view.checks.answered} of ${view.checks.of} answered the check</span>`
            : ''}
        </h2>
        ${teams
          ? html`<cc-projector-standings plain class="standings" .rows=${this._teamRows(view)} unit="teams" data-testid="projector-teams"></cc-projector-standings>`
          : html`<cc-projector-roster .names=${view.names} .count=${view.players}></cc-projector-roster>`}
      </section>
    </div>`;
  }

  private _live(view: ProjectorView) {
    const teams = view.mode === 'teams';
    const appNames = new Map((this.room?.scenario.apps ?? []).map((a) => [a.id, a.name]));
    return html`<div class="body live">
      <section class="panel" aria-labelledby="board-title">
        <h2 id="board-title">${teams ? 'Team standings' : 'Standings'}</h2>
        ${teams
          ? html`<cc-projector-standings class="standings" .rows=${this._teamRows(view)} unit="teams" data-testid="projector-teams"></cc-projector-standings>`
          : html`<cc-projector-standings class="standings" .rows=${view.top} .others=${view.others} data-testid="projector-leaderboard"></cc-projector-standings>`}
      </section>
      <section class="panel" aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <cc-projector-banner .banners=${view.banners} .effects=${view.effects} .appNames=${appNames} .timeS=${view.room.timeS} .speed=${view.room.speed}></cc-projector-banner>
      </section>
    </div>`;
  }

  private _debrief(view: ProjectorView) {
    const rows: readonly StandingRow[] = view.mode === 'teams' ? this._teamRows(view) : view.top;
    // The checks' results below, once someone has answered the second one (a class that skips it sees the usual debrief).
    const checks = view.checks && view.checks.concepts.some((c) => c.after.of > 0) ? view.checks : null;
    return html`<div class="body debrief ${checks ? 'with-checks' : ''}">
      <cc-projector-debrief .view=${view} .rows=${rows} lesson=${this.room?.scenario.debrief ?? ''} data-testid="projector-debrief"></cc-projector-debrief>
      ${checks ? html`<cc-projector-checks .checks=${checks}></cc-projector-checks>` : ''}
    </div>`;
  }

  private _teamRows(view: ProjectorView): StandingRow[] {
    return view.teams.map((t) => ({ rank: t.rank, clusterId: t.clusterId, name: t.name, total: t.total, members: t.members }));
  }

  private _countdown(view: ProjectorView) {
    const n = Math.ceil(view.room.countdown);
    return html`<div class="overlay countdown" data-testid="projector-countdown" role="status">
      <p class="words">Get ready…</p>
      ${keyed(n, html`<span class="big" data-testid="countdown-number">${n}</span>`)}
      <p class="hint">Keep planning: the clock starts at zero.</p>
    </div>`;
  }

  private _paused(view: ProjectorView) {
    return html`<div class="overlay paused" data-testid="projector-paused" role="status">
      <div class="card">
        <p class="sign">${icon('pause')} Paused</p>
        <p class="hint">Time to talk about it! ${realClock(realLeft(view.room))} left when the game goes on.</p>
      </div>
    </div>`;
  }

  private async _onSound() {
    this._sound = await this._beeper.toggle();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-screen': ProjectorScreen;
  }
}
