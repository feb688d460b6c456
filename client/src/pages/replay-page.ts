import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { SimState } from '../../../shared/engine/types.ts';
import { clusterOf } from '../../../shared/engine/state.ts';
import { incompatibility } from '../../../shared/engine/version.ts';
import { clusterView, describeEvent, roomStatic, standings } from '../../../shared/views/index.ts';
import type { RoomStatic } from '../../../shared/views/types.ts';
import { ApiError } from '../lib/api.ts';
import { clockText } from '../lib/format.ts';
import { ReplayTimeline, fetchReplay, fetchReplayStart } from '../lib/replay.ts';
import { base, notice } from '../styles/shared.ts';
import '../components/cluster-board.ts';
import '../components/leaderboard.ts';
import '../components/replay-chart.ts';

const SPEEDS = [1, 5, 20] as const;
/** How often playback moves the clock, in real milliseconds. */
const FRAME_MS = 250;

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
        margin: 0 0.5rem;
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
    `,
  ];

  @property() replayId = '';
  @state() private _timeline: ReplayTimeline | null = null;
  @state() private _error: string | null = null;
  @state() private _second = 0;
  @state() private _playing = false;
  @state() private _speed: number = 5;
  @state() private _clusterId: string | null = null;

  private _room: RoomStatic | null = null;
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
      this._clusterId = timeline.final.clusterOrder[0] ?? null;
      window.__ccReplayFinal = JSON.stringify(timeline.final);
      document.title = `Replay: ${data.meta.scenario.title} · ClusterClass`;
      this._timeline = timeline;
    } catch (error) {
      this._error =
        error instanceof ApiError && error.code === 'replay-not-found'
          ? 'This replay does not exist or has expired. Replays are kept for a limited number of days after the session.'
          : `Could not load the replay: ${(error as Error).message}`;
    }
  }

  private _stateAt(second: number): SimState {
    if (this._shown?.second !== second) this._shown = { second, state: this._timeline!.stateAt(second) };
    return this._shown.state;
  }

  override render() {
    if (this._error)
      return html`<main class="notice panel" role="alert" data-testid="replay-error">
        <h1>Replay not available</h1>
        <p>${this._error}</p>
        <p><a href="/">Go to the start page</a></p>
      </main>`;
    const timeline = this._timeline;
    const room = this._room;
    if (!timeline || !room) return html`<main><p role="status" data-testid="replay-loading">Loading the replay…</p></main>`;
    const { scenario } = timeline.meta;
    const duration = timeline.durationS;
    const second = this._second;
    const st = this._stateAt(second);
    const final = timeline.final;
    const clusterId = this._clusterId;
    const cluster = clusterId ? clusterOf(st, clusterId) : undefined;
    const clusterName = clusterId ? (clusterOf(final, clusterId)?.name ?? clusterId) : '';
    const rows = standings(st).rows.slice(0, 10);
    const paragraphs = scenario.debrief.split(/\n\s*\n/).filter((p) => p.trim());
    const who = timeline.meta.mode === 'teams' ? 'Team' : 'Player';
    return html`<main data-testid="replay-page" data-duration=${duration} data-second=${second}>
      <header class="wide">
        <h1 data-testid="replay-title">Replay: ${scenario.title}</h1>
        <p>${scenario.summary} · room ${timeline.meta.code} · ${new Date(timeline.meta.createdAtMs).toLocaleString()} · ${final.clusterOrder.length} ${timeline.meta.mode === 'teams' ? 'team' : 'player'}${final.clusterOrder.length === 1 ? '' : 's'}</p>
      </header>
      <section class="panel wide" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <div class="scrubber">
          <label for="scrub">Second <span class="second" data-testid="replay-second">${second}</span> of <span data-testid="replay-duration">${duration}</span> (${clockText(second)} / ${clockText(duration)})</label>
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
          <button type="button" class="primary" data-testid="replay-play" aria-pressed=${this._playing ? 'true' : 'false'} @click=${this._onPlay}>${this._playing ? 'Pause' : 'Play'}</button>
          <label
            >Speed
            <select data-testid="replay-speed" .value=${live(String(this._speed))} @change=${this._onSpeed}>
              ${SPEEDS.map((s) => html`<option value=${String(s)} ?selected=${s === this._speed}>${s}×</option>`)}
            </select></label
          >
          <form @submit=${this._onJump} class="controls">
            <label>Jump to second <input type="number" name="second" min="0" max=${duration} step="1" required data-testid="replay-jump-input" /></label>
            <button type="submit" data-testid="replay-jump">Go</button>
          </form>
        </div>
        ${final.fired.length > 0
          ? html`<h3>Events</h3>
              <ul class="events" data-testid="replay-events">
                ${final.fired.map(
                  (f) =>
                    html`<li>
                      <button type="button" class="small" data-testid="replay-event" data-at=${f.atS} @click=${() => this._seek(f.atS)}>
                        ${clockText(f.atS)} ${describeEvent(scenario, f.event).title}${f.source === 'teacher' ? ' (teacher)' : ''}
                      </button>
                    </li>`,
                )}
              </ul>`
          : html`<p>No events fired in this session.</p>`}
      </section>
      <section class="panel" aria-labelledby="board-title">
        <h2 id="board-title">Cluster at ${clockText(second)}</h2>
        <label
          >${who}
          <select data-testid="replay-cluster" .value=${live(clusterId ?? '')} @change=${this._onCluster}>
            ${final.clusterOrder.map((id) => html`<option value=${id} ?selected=${id === clusterId}>${clusterOf(final, id)!.name}</option>`)}
          </select></label
        >
        ${cluster
          ? html`<cc-cluster-board readonly .cluster=${clusterView(st, cluster)} .room=${room} .timeS=${st.timeS}></cc-cluster-board>`
          : html`<p data-testid="replay-no-cluster">${clusterName ? `${clusterName} has not joined yet at this second.` : 'Nobody played in this session.'}</p>`}
      </section>
      <section class="panel" aria-labelledby="leaders-title">
        <h2 id="leaders-title">Leaderboard at ${clockText(second)}</h2>
        <cc-leaderboard data-testid="replay-leaderboard" .rows=${rows} .you=${clusterId}></cc-leaderboard>
      </section>
      <section class="panel wide" aria-labelledby="scores-title">
        <h2 id="scores-title">Scores</h2>
        <cc-replay-chart
          .average=${timeline.scores.average}
          .selected=${(clusterId && timeline.scores.byCluster.get(clusterId)) || []}
          selectedName=${clusterName}
          .timeS=${second}
        ></cc-replay-chart>
      </section>
      <section class="panel wide" aria-labelledby="debrief-title" data-testid="replay-debrief">
        <h2 id="debrief-title">Debrief</h2>
        ${paragraphs.map((p) => html`<p>${p}</p>`)}
      </section>
    </main>`;
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
    this._clusterId = (e.target as HTMLSelectElement).value || null;
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
