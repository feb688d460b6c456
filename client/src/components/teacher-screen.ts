import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { realClock } from '../../../shared/views/pace.ts';
import type { ProtocolError } from '../../../shared/protocol/index.ts';
import type { CheckProgress, ClusterDetail, RoomStatic, TeacherChecks, TeacherView } from '../../../shared/views/types.ts';
import { emit } from '../lib/events.ts';
import { downloadReport } from '../lib/api.ts';
import { icon } from '../lib/icons.ts';
import { projectorLink } from '../lib/router.ts';
import { hostToken } from '../lib/storage.ts';
import type { Connection } from '../lib/socket-controller.ts';
import { base } from '../styles/shared.ts';
import './check-gains.ts';
import './class-leaderboard.ts';
import './cluster-board.ts';
import './concept-table.ts';
import './connection-status.ts';
import './event-feed.ts';
import './event-injector.ts';
import './incident-list.ts';
import { realLeft } from './phase-controls.ts';
import './phase-controls.ts';
import './placement-table.ts';
import './roster-table.ts';
import './score-panel.ts';

/** The teacher console: controls, events, roster, leaderboard, the class's placements and misconceptions, and a watched cluster. */
@customElement('cc-teacher-screen')
export class TeacherScreen extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      header.top {
        background: var(--cc-text);
        color: #fff;
        padding: 0.6rem 1rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1rem;
        align-items: center;
        justify-content: space-between;
      }
      @media (min-width: 700px) {
        /* The time left and the projector stay in sight down the whole console. */
        header.top {
          position: sticky;
          top: 0;
          z-index: 3;
        }
      }
      header.top h1 {
        margin: 0;
        font-size: 1.2rem;
      }
      header.top a.button {
        color: var(--cc-accent);
        background: #fff;
        border-color: #fff;
      }
      .code {
        font-family: var(--cc-mono);
        letter-spacing: 0.12em;
        font-weight: 800;
      }
      .links {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      header.top .button {
        background: #fff;
      }
      main {
        padding: 0.75rem 1rem 2rem;
        display: grid;
        gap: var(--cc-gap);
        grid-template-columns: minmax(0, 1fr);
        max-width: 140rem;
        margin: 0 auto;
      }
      @media (min-width: 1000px) {
        main {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
      @media (min-width: 1600px) {
        main {
          grid-template-columns: repeat(3, minmax(0, 1fr));
        }
      }
      .wide {
        grid-column: 1 / -1;
      }
      .panel {
        min-width: 0;
      }
      [data-testid='watch-panel'] {
        scroll-margin-top: 6rem;
      }
      .watch-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        justify-content: space-between;
        align-items: baseline;
      }
      .watch-grid {
        display: grid;
        gap: var(--cc-gap);
        grid-template-columns: minmax(0, 1fr);
      }
      @media (min-width: 1000px) {
        .watch-grid {
          grid-template-columns: minmax(0, 3fr) minmax(16rem, 1fr);
        }
      }
      .alert-region:empty {
        display: none;
      }
      header.top .left {
        font-variant-numeric: tabular-nums;
        font-weight: 800;
        font-size: 1.1rem;
      }
      header.top :focus-visible {
        outline-color: #ffb454;
      }
      .projector-link {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .projector-link input {
        flex: 1 1 16rem;
        min-width: 0;
        font-family: var(--cc-mono);
        font-size: 0.875rem;
      }
      .copied {
        min-height: 1.4em;
        margin: 0.3rem 0 0;
      }
      .check-progress {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
        gap: 0.5rem;
        margin: 0 0 0.75rem;
        padding: 0;
        list-style: none;
      }
      .check-progress li {
        background: var(--cc-surface-2);
        border-radius: 6px;
        padding: 0.45rem 0.6rem;
      }
      .check-progress strong {
        font-size: 1.25rem;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) view: TeacherView | null = null;
  @property({ attribute: false }) watched: ClusterDetail | null = null;
  @property() watching: string | null = null;
  @property() connection: Connection = 'online';
  @property({ attribute: false }) error: ProtocolError | null = null;
  @property() notice: string | null = null;
  /** The session's replay, linked once the scenario is over. */
  @property() replayId: string | null = null;
  /** The projector's read-only key (null from a server that gives none: the projector then needs this browser). */
  @property() projectorToken: string | null = null;
  @state() private _copied: string | null = null;

  protected override updated(changed: Map<string, unknown>): void {
    // Watching starts far down the console: bring the panel into view.
    if (changed.has('watching') && this.watching) this.renderRoot.querySelector('[data-testid=watch-panel]')?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  private async _onReport(format: 'csv' | 'json') {
    const code = this.room?.code ?? '';
    const token = hostToken(code);
    try {
      if (!token) throw new Error('This browser does not hold the host link for this room.');
      await downloadReport(code, token, format);
    } catch (error) {
      this.error = { code: 'report', message: `Could not download the report: ${(error as Error).message}` };
    }
  }

  override render() {
    const { room, view } = this;
    if (!room || !view) return html`<main><p role="status">Loading the console…</p></main>`;
    const appNames = new Map(room.scenario.apps.map((a) => [a.id, a.name]));
    // After the run nothing is still on, whatever the last view's effects say.
    const over = view.room.phase === 'debrief' || view.room.phase === 'ended';
    const watchedName = view.leaderboard.find((r) => r.clusterId === this.watching)?.name ?? this.watching;
    return html`
      <header class="top">
        <h1>Teacher console · room <span class="code" data-testid="teacher-code">${room.code}</span></h1>
        <div class="links">
          <span>${room.scenario.title} · ${room.mode === 'teams' ? 'teams' : 'solo'} · ${view.roster.length} ${view.roster.length === 1 ? 'student' : 'students'}</span>
          ${['lobby', 'running', 'paused'].includes(view.room.phase)
            ? html`<span class="left" data-testid="header-left">${realClock(realLeft(view.room))} ${view.room.phase === 'lobby' ? 'to play' : 'left'}</span>`
            : ''}
          <a class="button small" href=${this._projectorHref()} target="_blank" rel="noopener" data-testid="open-projector">${icon('screen')} Open projector ↗</a>
          <button type="button" class="small" data-testid="report-csv" @click=${() => this._onReport('csv')}>Report (CSV)</button>
          <button type="button" class="small" data-testid="report-json" @click=${() => this._onReport('json')}>Report (JSON)</button>
          <cc-connection-status .connection=${this.connection}></cc-connection-status>
        </div>
      </header>
      <main>
        ${this.notice ? html`<p class="wide error" role="status" data-testid="server-notice">${this.notice}</p>` : ''}
        <div class="wide alert-region" role="alert" data-testid="teacher-error">${this.error
          ? html`<p class="error">${this.error.message} <button type="button" class="small" @click=${this._onDismiss}>Dismiss</button></p>`
          : ''}</div>
        <section class="panel" aria-labelledby="controls-title">
          <h2 id="controls-title">Session</h2>
          <cc-phase-controls .header=${view.room}></cc-phase-controls>
          ${this.replayId && (view.room.phase === 'debrief' || view.room.phase === 'ended')
            ? html`<p><a class="button" href="/replay/${this.replayId}" data-testid="watch-replay">Watch the replay</a></p>`
            : ''}
        </section>
        ${view.checks ? this._renderChecks(view.checks) : ''}
        <section class="panel" aria-labelledby="projector-title" data-testid="projector-panel">
          <h2 id="projector-title">Projector</h2>
          ${this.projectorToken
            ? html`<p class="hint" id="projector-hint">
                  For another screen (the classroom PC, a smart TV), copy this link there: it carries the room's read-only projector key, so it shows the show and
                  cannot drive the room. On this computer, use <strong>Open projector</strong> at the top.
                </p>
                <div class="projector-link">
                  <label class="visually-hidden" for="projector-url">Projector link</label>
                  <input id="projector-url" readonly data-testid="projector-link" aria-describedby="projector-hint" .value=${this._projectorHref()} @focus=${this._onSelect} />
                  <button type="button" class="primary" data-testid="copy-projector-link" @click=${this._onCopy}>${icon('copy')} Copy link</button>
                </div>
                <p class="copied hint" role="status" data-testid="copy-status">${this._copied ?? ''}</p>`
            : html`<p class="hint">
                This server gives no projector key: <strong>Open projector</strong> at the top opens it in this browser only (it uses this browser's host key).
              </p>`}
        </section>
        <section class="panel" aria-labelledby="inject-title">
          <h2 id="inject-title">Inject an event</h2>
          <cc-event-injector .room=${room} phase=${view.room.phase} .speed=${view.room.speed}></cc-event-injector>
        </section>
        <section class="panel" aria-labelledby="events-title">
          <h2 id="events-title">Events</h2>
          <cc-event-feed live .banners=${view.banners} .effects=${over ? [] : view.effects} .appNames=${appNames} .timeS=${view.room.timeS} .speed=${view.room.speed}></cc-event-feed>
        </section>
        <section class="panel" aria-labelledby="roster-title">
          <h2 id="roster-title">Students (${view.roster.length})${view.banned > 0 ? html` <span class="hint">· ${view.banned} removed</span>` : ''}</h2>
          <cc-roster-table .roster=${view.roster} .teams=${view.teams} mode=${view.mode} .watching=${this.watching}></cc-roster-table>
        </section>
        <section class="panel" aria-labelledby="leaders-title">
          <h2 id="leaders-title">Leaderboard</h2>
          <cc-class-leaderboard .rows=${view.leaderboard} .ranked=${view.ranked} .readyCount=${view.readyCount} ?lobby=${view.room.phase === 'lobby'}></cc-class-leaderboard>
        </section>
        <section class="panel" aria-labelledby="placements-title">
          <h2 id="placements-title">How the class placed each app</h2>
          <cc-placement-table .placements=${view.placements} .appNames=${appNames}></cc-placement-table>
        </section>
        <section class="panel" aria-labelledby="concepts-title">
          <h2 id="concepts-title">What the class gets wrong</h2>
          <cc-concept-table .concepts=${view.concepts}></cc-concept-table>
        </section>
        ${this.watching
          ? html`<section class="panel wide" aria-labelledby="watch-title" data-testid="watch-panel">
              <div class="watch-head">
                <h2 id="watch-title">Watching ${watchedName}</h2>
                <div class="row">
                  ${this.replayId && over
                    ? html`<a
                        class="button small"
                        href="/replay/${encodeURIComponent(this.replayId)}?cluster=${encodeURIComponent(this.watching)}&whatif=1&present=1"
                        target="_blank"
                        rel="noopener"
                        data-testid="what-if-present"
                        >What if…? (open on the projector) ↗</a
                      >`
                    : ''}
                  <button type="button" class="small" data-testid="stop-watching" @click=${this._onStopWatching}>Stop watching</button>
                </div>
              </div>
              ${this.watched
                ? html`<div class="watch-grid">
                    <cc-cluster-board readonly .cluster=${this.watched.cluster} .room=${room} .timeS=${view.room.timeS} .speed=${view.room.speed}></cc-cluster-board>
                    <div>
                      <cc-score-panel .score=${this.watched.score} .appNames=${appNames} .instances=${this.watched.cluster.instances}></cc-score-panel>
                      <h3>Incidents</h3>
                      <cc-incident-list .incidents=${this.watched.incidents}></cc-incident-list>
                    </div>
                  </div>`
                : html`<p role="status">Loading…</p>`}
            </section>`
          : ''}
      </main>
    `;
  }

  /** The concept checks: how many answered before and after, and the class's results by concept. */
  private _renderChecks(checks: TeacherChecks) {
    const line = (label: string, p: CheckProgress, testid: string) =>
      html`<li data-testid=${testid}>
        ${label}<br /><strong>${p.answered} of ${p.of}</strong> answered every question${p.started > p.answered ? html`<span class="hint"> · ${p.started - p.answered} part way</span>` : ''}
      </li>`;
    return html`<section class="panel" aria-labelledby="checks-title" data-testid="checks-panel">
      <h2 id="checks-title">Concept checks</h2>
      <ul class="check-progress">
        ${line('Before the game', checks.before, 'checks-before')} ${line('After the debrief', checks.after, 'checks-after')}
      </ul>
      <cc-check-gains .gains=${checks.concepts} label="The class’s concept checks by concept"></cc-check-gains>
    </section>`;
  }

  private _projectorHref(): string {
    const code = this.room?.code ?? '';
    return this.projectorToken ? projectorLink(location.origin, code, this.projectorToken) : `/project/${code}`;
  }

  private _onSelect(e: Event) {
    (e.target as HTMLInputElement).select();
  }

  private async _onCopy() {
    const link = this._projectorHref();
    try {
      // The clipboard API needs a secure context; classrooms often serve plain http on a LAN.
      if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      this._copied = 'Copied: paste it into the projector’s browser.';
    } catch {
      const input = this.renderRoot.querySelector<HTMLInputElement>('#projector-url');
      input?.focus();
      input?.select();
      // execCommand is deprecated but the only copy a plain-http page has.
      const ok = document.execCommand?.('copy') ?? false;
      this._copied = ok ? 'Copied: paste it into the projector’s browser.' : 'The link is selected: press Ctrl+C (or ⌘C) to copy it.';
    }
  }

  private _onStopWatching() {
    emit(this, 'cc-watch', { clusterId: null });
  }

  private _onDismiss() {
    this.dispatchEvent(new CustomEvent('cc-dismiss-error', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-teacher-screen': TeacherScreen;
  }
}
