import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { SimState } from '../../../shared/engine/types.ts';
import { clusterOf } from '../../../shared/engine/state.ts';
import { incompatibility } from '../../../shared/engine/version.ts';
import { clusterView, describeEvent, roomStatic, standings } from '../../../shared/views/index.ts';
import type { RoomStatic } from '../../../shared/views/types.ts';
import { computeScore } from '../../../shared/engine/score.ts';
import { ApiError } from '../lib/api.ts';
import { POLICY_LABEL, clockText } from '../lib/format.ts';
import { ReplayTimeline, fetchReplay, fetchReplayStart, fetchViewerSeat, referenceScores, withInjected, type ReferenceScore } from '../lib/replay.ts';
import { resumeToken } from '../lib/storage.ts';
import { base, notice } from '../styles/shared.ts';
import '../components/cluster-board.ts';
import '../components/leaderboard.ts';
import '../components/replay-chart.ts';
import '../components/reference-table.ts';
import '../components/check-gains.ts';
import { answersInLog } from '../../../shared/learning/from-log.ts';
import { conceptGains } from '../../../shared/learning/checks.ts';
import type { ConceptGain } from '../../../shared/learning/types.ts';
import '../components/branch-view.ts';

/** Playback speeds, in simulated seconds per real second. */
const SPEEDS = [1, 5, 20] as const;
/** How often playback moves the clock, in real milliseconds. */
const FRAME_MS = 250;

/** What the address asks for: `?cluster=ID&at=SECONDS&whatif=1&present=1` (each optional). */
interface Asked {
  readonly clusterId: string | null;
  readonly at: number | null;
  readonly whatIf: boolean;
  readonly present: boolean;
}

function askedBy(search: string): Asked {
  const q = new URLSearchParams(search);
  const at = q.get('at');
  const seconds = at !== null && /^\d{1,6}$/.test(at) ? Number(at) : null;
  return { clusterId: q.get('cluster'), at: seconds, whatIf: q.get('whatif') === '1', present: q.get('present') === '1' };
}

declare global {
  interface Window {
    /** The replayed state after the whole log, as JSON: the e2e test compares it with the server's. */
    __ccReplayFinal?: string;
  }
}

/** `/replay/ID`: a finished session re-run in the browser, to scrub through second by second. */
@customElement('cc-replay-page')
export class ReplayPage extends LitElement {
  static override styles = [
    base,
    notice,
    css`
      :host {
        display: block;
      }
      main {
        max-width: 90rem;
        margin: 0 auto;
        padding: 0.75rem 1rem 2rem;
        display: grid;
        gap: var(--cc-gap);
        grid-template-columns: minmax(0, 1fr);
      }
      @media (min-width: 1000px) {
        main {
          grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr);
        }
      }
      .wide {
        grid-column: 1 / -1;
      }
      .panel {
        min-width: 0;
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: end;
      }
      .scrubber {
        position: relative;
      }
      .scrubber input[type='range'] {
        width: 100%;
      }
      .markers {
        position: relative;
        height: 0.6rem;
        margin: 0 0.5rem 0.75rem;
      }
      .marker {
        position: absolute;
        top: 0;
        width: 3px;
        height: 0.6rem;
        background: var(--cc-danger);
      }
      .events {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        list-style: none;
        padding: 0;
        margin: 0.5rem 0 0;
      }
      .second {
        font-family: var(--cc-mono);
        font-weight: 700;
      }
      input[type='number'] {
        width: 6rem;
      }
      .step {
        display: flex;
        gap: 0.5rem;
      }
      /* Big enough to hit with a thumb on a phone. */
      .step button,
      .events button {
        min-height: 2.75rem;
        min-width: 2.75rem;
      }
      .you-note {
        margin: 0.25rem 0 0.5rem;
      }
      .events-title {
        margin-top: 0.9rem;
      }
      .whatif {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 0.75rem;
        align-items: center;
        margin-top: 0.75rem;
      }
      .whatif button {
        min-height: 2.75rem;
      }
      .whatif .notice {
        flex-basis: 100%;
        margin: 0;
      }
    `,
  ];

  @property() replayId = '';
  @state() private _timeline: ReplayTimeline | null = null;
  @state() private _error: string | null = null;
  @state() private _second = 0;
  @state() private _playing = false;
  @state() private _speed: number = 5;
  @state() private _clusterId: string | null = null;
  /** The player this browser was in the session, once the server has said (null: nobody here played). */
  @state() private _viewer: string | null = null;
  /** The reference plans' scores, computed after the replay is on screen (null until then). */
  @state() private _references: readonly ReferenceScore[] | null = null;
  /** The class's concept-check results (null: the session had no checks and nobody answered). */
  @state() private _gains: readonly ConceptGain[] | null = null;
  /** The open what-if branch: whose cluster, from which second (null: the replay itself). */
  @state() private _whatIf: { clusterId: string; fromS: number } | null = null;
  /** Why the address's what-if could not be opened. */
  @state() private _askedNotice: string | null = null;
  private _present = false;

  private _room: RoomStatic | null = null;
  /** Set once the viewer picks a cluster: from then on the page never picks one for them. */
  private _picked = false;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _shown: { second: number; state: SimState } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = 'Replay · ClusterClass';
  }

  // Not in connectedCallback: a page loaded on demand gets its properties at its first update.
  protected override firstUpdated(): void {
    void this._load();
  }

  override disconnectedCallback(): void {
    this._stop();
    super.disconnectedCallback();
  }

  private async _load() {
    try {
      const data = await fetchReplay(this.replayId);
      // Another engine's rules would replay it to a different game: say so rather than show that.
      const mismatch = incompatibility(data.meta, 'This session');
      if (mismatch) throw new ApiError('engine-version', mismatch, 0);
      const timeline = new ReplayTimeline(data.meta, data.log, await fetchReplayStart(this.replayId, data));
      this._room = roomStatic(data.meta.code, data.meta.mode, timeline.final);
      this._clusterId = timeline.clusters[0] ?? null;
      window.__ccReplayFinal = JSON.stringify(timeline.final);
      document.title = `Replay: ${data.meta.scenario.title} · ClusterClass`;
      const answers = answersInLog(data.log);
      this._gains = answers.length > 0 || (data.meta as { checks?: boolean }).checks ? conceptGains(answers) : null;
      this._timeline = timeline;
      this._follow(askedBy(location.search), timeline);
      // The reference plans re-run the scenario three times: after the first paint, not before it.
      setTimeout(() => {
        if (this._timeline !== timeline) return;
        try {
          this._references = referenceScores(withInjected(data.meta.scenario, timeline.final.injected), data.meta.seed, timeline.durationS);
        } catch {
          // The replay itself stands without them; the debrief says there is nothing to compare with.
          this._references = [];
        }
      }, 0);
      void this._findViewer(timeline);
    } catch (error) {
      this._error =
        error instanceof ApiError && error.code === 'replay-not-found'
          ? 'This replay does not exist or has expired. Replays are kept for a limited number of days after the session.'
          : `Could not load the replay: ${(error as Error).message}`;
    }
  }

  /** Whether this browser sat in the session: then its own cluster is "you" and shown first. */
  private async _findViewer(timeline: ReplayTimeline) {
    const playerId = await fetchViewerSeat(this.replayId, resumeToken(timeline.meta.code));
    if (!playerId || this._timeline !== timeline) return;
    this._viewer = playerId;
    const own = timeline.clusterOfPlayer(playerId, this._second);
    if (!this._picked && own && timeline.clusters.includes(own)) this._clusterId = own;
  }

  /** Opens the replay where the address says: that cluster, that second, and the what-if if asked. */
  private _follow(asked: Asked, timeline: ReplayTimeline) {
    this._present = asked.present;
    if (asked.clusterId !== null) {
      if (timeline.clusters.includes(asked.clusterId)) {
        this._clusterId = asked.clusterId;
        this._picked = true;
      } else this._askedNotice = 'The link names a player or team that is not in this replay, so the first one is shown.';
    }
    if (asked.at !== null) this._second = Math.min(asked.at, timeline.durationS);
    if (!asked.whatIf || this._askedNotice) return;
    const why = this._cannotBranch(timeline, this._clusterId, this._second);
    if (why) this._askedNotice = `The what-if from the link could not be opened: ${why}`;
    else this._whatIf = { clusterId: this._clusterId!, fromS: this._second };
  }

  /** Why a branch cannot start for this cluster at this second, or null when it can. */
  private _cannotBranch(timeline: ReplayTimeline, clusterId: string | null, second: number): string | null {
    if (!clusterId) return 'nobody played in this session.';
    const name = clusterOf(timeline.final, clusterId)?.name ?? clusterId;
    if (second >= timeline.durationS) return 'the session is over at this second; go back a little to branch.';
    const cluster = clusterOf(this._stateAt(second), clusterId);
    if (!cluster) return `${name} had not joined yet at ${clockText(second)}.`;
    if (cluster.kicked) return `${name} had been removed from the session by then.`;
    return null;
  }

  private _openWhatIf() {
    const timeline = this._timeline;
    if (!timeline || !this._clusterId || this._cannotBranch(timeline, this._clusterId, this._second)) return;
    this._stop();
    this._askedNotice = null;
    this._whatIf = { clusterId: this._clusterId, fromS: this._second };
    this._address();
    window.scrollTo(0, 0);
  }

  private async _closeWhatIf() {
    const open = this._whatIf;
    this._whatIf = null;
    if (open) {
      this._clusterId = open.clusterId;
      this._second = open.fromS;
    }
    this._address();
    // Back where the keyboard left the replay: on the button that opened the branch.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-testid=whatif-open]')?.focus();
  }

  /** Keeps the address in step with what is open, so it can be shared (and a reload comes back to it). */
  private _address() {
    const q = new URLSearchParams();
    const open = this._whatIf;
    if (open) {
      q.set('cluster', open.clusterId);
      q.set('at', String(open.fromS));
      q.set('whatif', '1');
      if (this._present) q.set('present', '1');
    }
    const search = q.toString();
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
  }

  private _stateAt(second: number): SimState {
    if (this._shown?.second !== second) this._shown = { second, state: this._timeline!.stateAt(second) };
    return this._shown.state;
  }

  override render() {
    if (this._error)
      // The alert is inside main: a role on main itself would take away the page's main landmark.
      return html`<main>
        <div class="notice panel" role="alert" data-testid="replay-error">
          <h1>Replay not available</h1>
          <p>${this._error}</p>
          <p><a href="/">Go to the start page</a></p>
        </div>
      </main>`;
    const timeline = this._timeline;
    const room = this._room;
    if (!timeline || !room) return html`<main><p role="status" data-testid="replay-loading">Loading the replay…</p></main>`;
    // The branch's board is the live one, with its own main landmark: no main around it here.
    if (this._whatIf)
      return html`<cc-branch-view
        .timeline=${timeline}
        .room=${room}
        clusterId=${this._whatIf.clusterId}
        .fromS=${this._whatIf.fromS}
        .references=${this._references}
        ?present=${this._present}
        @cc-branch-close=${this._closeWhatIf}
      ></cc-branch-view>`;
    const { scenario } = timeline.meta;
    const duration = timeline.durationS;
    const second = this._second;
    const st = this._stateAt(second);
    const final = timeline.final;
    const teams = timeline.meta.mode === 'teams';
    const shown = new Set(timeline.clusters);
    const clusterId = this._clusterId;
    const cluster = clusterId ? clusterOf(st, clusterId) : undefined;
    const clusterName = clusterId ? (clusterOf(final, clusterId)?.name ?? clusterId) : '';
    // "You" is this browser's own seat (its team's cluster then, in team mode), never just the one selected.
    const you = this._viewer ? timeline.clusterOfPlayer(this._viewer, second) : null;
    const board = standings(st, (id) => shown.has(id));
    const rows = board.rows.slice(0, 10);
    const yourRow = you ? board.rows.find((r) => r.clusterId === you) : undefined;
    if (yourRow && !rows.includes(yourRow)) rows.push(yourRow);
    const paragraphs = scenario.debrief.split(/\n\s*\n/).filter((p) => p.trim());
    const who = teams ? 'Team' : 'Player';
    const count = timeline.clusters.length;
    const label = (id: string) => {
      const name = clusterOf(final, id)?.name ?? id;
      const members = timeline.members.get(id) ?? 0;
      const size = teams ? ` · ${members === 0 ? 'empty at the end' : `${members} ${members === 1 ? 'member' : 'members'}`}` : '';
      return `${name}${size}${id === you ? ' (you)' : ''}`;
    };
    return html`<main data-testid="replay-page" data-duration=${duration} data-second=${second}>
      <header class="wide">
        <h1 data-testid="replay-title">Replay: ${scenario.title}</h1>
        <p>${scenario.summary} · room ${timeline.meta.code} · ${new Date(timeline.meta.createdAtMs).toLocaleString()} · ${count} ${teams ? 'team' : 'player'}${count === 1 ? '' : 's'}</p>
      </header>
      <section class="panel wide" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <div class="scrubber">
          <label for="scrub"
            >Simulated second <span class="second" data-testid="replay-second">${second}</span> of <span data-testid="replay-duration">${duration}</span> (${clockText(second)} of
            ${clockText(duration)} in the game)</label
          >
          <input
            id="scrub"
            type="range"
            min="0"
            max=${duration}
            step="1"
            .value=${live(String(second))}
            aria-valuetext=${`${clockText(second)} of ${clockText(duration)}`}
            data-testid="replay-scrubber"
            @input=${this._onScrub}
          />
          <div class="markers" aria-hidden="true">
            ${final.fired.map((f) => html`<span class="marker" style="left:${duration > 0 ? (f.atS / duration) * 100 : 0}%"></span>`)}
          </div>
        </div>
        <div class="controls">
          <div class="step">
            <button type="button" data-testid="replay-back" ?disabled=${second <= 0} @click=${() => this._seek(this._second - 1)}>
              <span aria-hidden="true">◀</span> 1 s<span class="visually-hidden"> back</span>
            </button>
            <button type="button" class="primary" data-testid="replay-play" aria-pressed=${this._playing ? 'true' : 'false'} @click=${this._onPlay}>${this._playing ? 'Pause' : 'Play'}</button>
            <button type="button" data-testid="replay-forward" ?disabled=${second >= duration} @click=${() => this._seek(this._second + 1)}>
              1 s<span class="visually-hidden"> forward</span> <span aria-hidden="true">▶</span>
            </button>
          </div>
          <label
            >Speed
            <select data-testid="replay-speed" aria-describedby="speed-hint" .value=${live(String(this._speed))} @change=${this._onSpeed}>
              ${SPEEDS.map((s) => html`<option value=${String(s)} ?selected=${s === this._speed}>${s}×</option>`)}
            </select></label
          >
          <span class="hint" id="speed-hint">${this._speed}× plays ${this._speed} game ${this._speed === 1 ? 'second' : 'seconds'} each second</span>
          <form @submit=${this._onJump} class="controls">
            <label>Jump to second <input type="number" name="second" min="0" max=${duration} step="1" required data-testid="replay-jump-input" /></label>
            <button type="submit" data-testid="replay-jump">Go</button>
          </form>
        </div>
        ${this._renderWhatIf(timeline, clusterId, clusterName, second)}
        ${final.fired.length > 0
          ? html`<h3 class="events-title">Events</h3>
              <p class="hint" id="events-hint">Each button goes to the second before the event, so you see the cluster just before it hits; then step forward with “1 s ▶”.</p>
              <ul class="events" data-testid="replay-events" aria-describedby="events-hint">
                ${final.fired.map(
                  (f) =>
                    html`<li>
                      <button type="button" class="small" data-testid="replay-event" data-at=${f.atS} @click=${() => this._seek(f.atS - 1)}>
                        ${clockText(f.atS)} ${describeEvent(scenario, f.event).title}${f.source === 'teacher' ? ' (teacher)' : ''}
                      </button>
                    </li>`,
                )}
              </ul>`
          : html`<p class="events-title">No events fired in this session.</p>`}
      </section>
      <section class="panel" aria-labelledby="board-title">
        <h2 id="board-title">Cluster at ${clockText(second)}</h2>
        <label
          >${who}
          <select data-testid="replay-cluster" .value=${live(clusterId ?? '')} @change=${this._onCluster}>
            ${timeline.clusters.map((id) => html`<option value=${id} ?selected=${id === clusterId}>${label(id)}</option>`)}
          </select></label
        >
        ${you && clusterId !== you
          ? html`<p class="you-note hint"><button type="button" class="small" data-testid="replay-show-you" @click=${() => this._pick(you)}>Show ${teams ? 'your team' : 'yours'}: ${clusterOf(final, you)?.name ?? you}</button></p>`
          : ''}
        ${cluster
          ? html`<cc-cluster-board readonly .cluster=${clusterView(st, cluster)} .room=${room} .timeS=${st.timeS}></cc-cluster-board>`
          : html`<p data-testid="replay-no-cluster">${clusterName ? `${clusterName} has not joined yet at this second.` : 'Nobody played in this session.'}</p>`}
      </section>
      <section class="panel" aria-labelledby="leaders-title">
        <h2 id="leaders-title">Leaderboard at ${clockText(second)}</h2>
        <cc-leaderboard data-testid="replay-leaderboard" .rows=${rows} .you=${you}></cc-leaderboard>
      </section>
      <section class="panel wide" aria-labelledby="scores-title">
        <h2 id="scores-title">Scores</h2>
        <cc-replay-chart
          .average=${timeline.scores.average}
          .selected=${(clusterId && timeline.scores.byCluster.get(clusterId)) || []}
          .events=${final.fired.map((f) => f.atS)}
          selectedName=${clusterName}
          .timeS=${second}
        ></cc-replay-chart>
      </section>
      <section class="panel wide" aria-labelledby="debrief-title" data-testid="replay-debrief">
        <h2 id="debrief-title">Debrief</h2>
        ${paragraphs.map((p) => html`<p>${p}</p>`)} ${this._renderReferences(clusterId ? clusterOf(final, clusterId) : undefined, clusterId === you)}
      </section>
      ${this._gains
        ? html`<section class="panel wide" aria-labelledby="checks-title" data-testid="replay-checks">
            <h2 id="checks-title">Concept checks: what the class learnt</h2>
            <p class="hint">Right answers before the game and after the debrief, per idea, for the whole class (never who answered what).</p>
            <cc-check-gains .gains=${this._gains}></cc-check-gains>
          </section>`
        : ''}
    </main>`;
  }

  /** "What if…?": branch from the selected cluster at the second shown. */
  private _renderWhatIf(timeline: ReplayTimeline, clusterId: string | null, clusterName: string, second: number) {
    const why = this._cannotBranch(timeline, clusterId, second);
    return html`<div class="whatif">
      ${this._askedNotice ? html`<p class="notice" role="status" data-testid="whatif-notice">${this._askedNotice}</p>` : ''}
      <button type="button" data-testid="whatif-open" aria-describedby="whatif-hint" ?disabled=${why !== null} @click=${this._openWhatIf}>
        What if…? Branch from ${clusterName ? `${clusterName}’s cluster` : 'a cluster'} at ${clockText(second)}
      </button>
      <span class="hint" id="whatif-hint"
        >${why ? `Cannot branch here: ${why}` : 'Try other decisions from this second on: the rest of the session re-runs in this browser, beside the original.'}</span
      >
    </div>`;
  }

  /** The selected cluster's final score against the reference plans, as the live debrief shows it. */
  private _renderReferences(cluster: ReturnType<typeof clusterOf>, isYou: boolean) {
    const timeline = this._timeline!;
    const refs = this._references;
    const heading = html`<h3 id="references-title">How ${cluster ? (isYou ? 'your plan' : `${cluster.name}’s plan`) : 'the plans'} compared with the reference plans</h3>`;
    if (!refs) return html`${heading}<p class="hint" role="status" data-testid="replay-references-pending">Running the reference plans…</p>`;
    if (refs.length === 0) return html`${heading}<p class="hint" data-testid="replay-references-failed">The reference plans could not be run for this scenario, so there is nothing to compare with.</p>`;
    const score = cluster ? computeScore(timeline.final, cluster) : null;
    const rows = [
      ...(cluster && score ? [{ key: 'mine', label: `${cluster.name}${isYou ? ' (you)' : ''}`, ...score }] : []),
      ...refs.map((r) => ({ key: r.policy, label: POLICY_LABEL[r.policy] ?? r.policy, ...r })),
    ];
    return html`${heading}
      <p class="hint">
        Each reference plan played the simulated ${clockText(timeline.durationS)} this session ran, on the same hosts and seed, with the same events${timeline.final.injected.length ? ', the teacher’s included' : ''}.
      </p>
      <cc-reference-table wrapId="replay-references-wrap" .rows=${rows} label="This plan against the reference plans" tableId="replay-references" rowId="replay-reference-row" mineKey="selected"></cc-reference-table>`;
  }

  private _seek(second: number) {
    const duration = this._timeline?.durationS ?? 0;
    this._second = Math.max(0, Math.min(duration, Math.round(second)));
  }

  private _onScrub(e: Event) {
    this._seek(Number((e.target as HTMLInputElement).value));
  }

  private _onJump(e: SubmitEvent) {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('second') as HTMLInputElement;
    if (input.value !== '') this._seek(Number(input.value));
  }

  private _onSpeed(e: Event) {
    this._speed = Number((e.target as HTMLSelectElement).value);
  }

  private _onCluster(e: Event) {
    this._pick((e.target as HTMLSelectElement).value || null);
  }

  private _pick(clusterId: string | null) {
    this._picked = true;
    this._clusterId = clusterId;
  }

  private _onPlay() {
    if (this._playing) {
      this._stop();
      return;
    }
    const duration = this._timeline?.durationS ?? 0;
    if (this._second >= duration) this._second = 0;
    this._playing = true;
    // Playback advances in frames of speed × FRAME_MS simulated time, rounded to whole seconds.
    let carry = 0;
    this._timer = setInterval(() => {
      carry += (this._speed * FRAME_MS) / 1000;
      const step = Math.floor(carry);
      carry -= step;
      if (step > 0) this._seek(this._second + step);
      if (this._second >= duration) this._stop();
    }, FRAME_MS);
  }

  private _stop() {
    if (this._timer) clearInterval(this._timer);
    this._timer = null;
    this._playing = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-replay-page': ReplayPage;
  }
}
