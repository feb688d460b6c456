import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { ProtocolError } from '../../../shared/protocol/index.ts';
import type { RoomStatic, StudentView } from '../../../shared/views/types.ts';
import { PHASE_LABEL, clockText, points } from '../lib/format.ts';
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

/** How long (simulated seconds) the newest event stays as a banner above the board. */
const RECENT_S = 90;

/**
 * The student's board, drawn from the latest view: apps to place, the cluster, the score, the
 * class's top five, events and incidents, and the debrief at the end. It owns the dialogs; the
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
      header.top {
        position: sticky;
        top: 0;
        z-index: 2;
        background: var(--cc-text);
        color: #fff;
        padding: 0.5rem 1rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 1rem;
        align-items: center;
        justify-content: space-between;
      }
      header.top .who {
        font-weight: 700;
        overflow-wrap: anywhere;
      }
      @media (max-width: 759px) {
        header.top {
          font-size: 0.875rem;
          padding: 0.35rem 0.75rem;
        }
        .pts {
          display: none;
        }
      }
      @media (min-width: 760px) {
        header.top {
          flex-wrap: nowrap;
        }
        header.top .who {
          min-width: 0;
          overflow: hidden;
          text-overflow: ellipsis;
          white-space: nowrap;
        }
        header.top .stats {
          flex-wrap: nowrap;
          white-space: nowrap;
        }
      }
      header.top .stats {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 0.9rem;
        align-items: center;
        font-variant-numeric: tabular-nums;
      }
      .phase {
        font-weight: 700;
        border: 1px solid #fff;
        border-radius: 999px;
        padding: 0 0.6em;
      }
      main {
        padding: 0.75rem 1rem 2rem;
        max-width: 120rem;
        margin: 0 auto;
      }
      h1 {
        font-size: 1.35rem;
        margin: 0.2rem 0 0.4rem;
      }
      .intro {
        color: var(--cc-muted);
        max-width: 60em;
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
          top: 3.25rem;
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
      }
      @media (min-width: 760px) {
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
      .board-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        justify-content: space-between;
        align-items: baseline;
      }
      .side > section,
      .palette,
      .board {
        min-width: 0;
      }
      .rank {
        font-size: 1.1rem;
        margin: 0 0 0.4rem;
      }
      .latest {
        margin: 0.5rem 0;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) view: StudentView | null = null;
  @property() connection: Connection = 'online';
  /** The last refused action, explained. */
  @property({ attribute: false }) refusal: ProtocolError | null = null;
  @property({ type: Boolean }) ready = false;
  /** A message from the server to everyone (restarting, degraded). */
  @property() notice: string | null = null;
  @query('cc-place-dialog') private _place!: PlaceDialog;
  @query('cc-vm-dialog') private _vm!: VmDialog;
  @query('cc-instance-dialog') private _inspect!: InstanceDialog;
  @query('cc-vm-manage-dialog') private _manageVm!: VmManageDialog;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('cc-place-app', this._onPlaceApp);
    this.addEventListener('cc-new-vm', this._onNewVm);
    this.addEventListener('cc-inspect', this._onInspect);
    this.addEventListener('cc-manage-vm', this._onManageVm);
  }

  override disconnectedCallback(): void {
    this.removeEventListener('cc-place-app', this._onPlaceApp);
    this.removeEventListener('cc-new-vm', this._onNewVm);
    this.removeEventListener('cc-inspect', this._onInspect);
    this.removeEventListener('cc-manage-vm', this._onManageVm);
    super.disconnectedCallback();
  }

  override render() {
    const { room, view } = this;
    if (!room || !view) return html`<main><p>Loading your cluster…</p></main>`;
    const phase = view.room.phase;
    const over = phase === 'debrief' || phase === 'ended';
    const appNames = new Map(room.scenario.apps.map((a) => [a.id, a.name]));
    const allowVms = room.scenario.allow.runtimes.includes('vm');
    const latest = view.banners.at(-1);
    return html`
      <header class="top">
        <span class="who" data-testid="you">${view.you.nickname}${view.you.teamName ? html` · ${view.you.teamName}` : ''}</span>
        <span class="stats">
          <span class="phase" data-testid="phase" data-phase=${phase}>${PHASE_LABEL[phase] ?? phase}</span>
          <span data-testid="clock">${clockText(view.room.timeS)} / ${clockText(view.room.durationS)}</span>
          <span data-testid="rank">Rank ${view.rank} of ${view.of}</span>
          <span class="pts">${points(view.score.total)} pts</span>
          <cc-connection-status .connection=${this.connection}></cc-connection-status>
        </span>
      </header>
      <main>
        ${this.notice ? html`<p class="phase-note paused" role="status" data-testid="server-notice">${this.notice}</p>` : ''}
        <h1>${room.scenario.title}</h1>
        ${phase === 'lobby' ? html`<p class="intro">${room.scenario.summary}</p>` : ''}
        ${this._phaseNote(phase)}
        <div role="alert" data-testid="refusal-region"><cc-refusal-note .refusal=${this.refusal}></cc-refusal-note></div>
        ${latest && !over && view.room.timeS - latest.atS <= RECENT_S
          ? html`<cc-event-feed
              class="latest"
              live
              .banners=${[latest]}
              .effects=${[]}
              .timeS=${view.room.timeS}
              aria-label="Latest event"
            ></cc-event-feed>`
          : ''}
        ${over ? html`<cc-debrief-panel .room=${room} .view=${view}></cc-debrief-panel>` : ''}
        <div class="layout ${over ? 'over' : ''}">
          ${over
            ? ''
            : html`<section class="palette panel" aria-labelledby="apps-title">
                <h2 id="apps-title">Apps to place</h2>
                <cc-app-palette .room=${room} .instances=${view.cluster.instances}></cc-app-palette>
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
            <cc-cluster-board .cluster=${view.cluster} .room=${room} .timeS=${view.room.timeS} ?readonly=${over}></cc-cluster-board>
          </section>
          <div class="side">
            <section class="panel" aria-labelledby="score-title">
              <h2 id="score-title">Score</h2>
              <cc-score-panel .score=${view.score} .appNames=${appNames} .budget=${room.scenario.budget}></cc-score-panel>
            </section>
            <section class="panel" aria-labelledby="top-title">
              <h2 id="top-title">Class top 5</h2>
              <p class="rank">You are <strong>#${view.rank}</strong> of ${view.of}</p>
              <cc-leaderboard .rows=${view.top} you=${view.you.clusterId}></cc-leaderboard>
            </section>
            <section class="panel" aria-labelledby="events-title">
              <h2 id="events-title">Events</h2>
              <cc-event-feed .banners=${view.banners} .effects=${view.effects} .appNames=${appNames} .timeS=${view.room.timeS}></cc-event-feed>
            </section>
            <section class="panel" aria-labelledby="incidents-title">
              <h2 id="incidents-title">What happened to your cluster</h2>
              <cc-incident-list .incidents=${view.incidents}></cc-incident-list>
            </section>
          </div>
        </div>
      </main>
      <cc-place-dialog .room=${room} .cluster=${view.cluster}></cc-place-dialog>
      <cc-vm-dialog .room=${room} .cluster=${view.cluster}></cc-vm-dialog>
      <cc-instance-dialog .room=${room} .cluster=${view.cluster}></cc-instance-dialog>
      <cc-vm-manage-dialog .room=${room} .cluster=${view.cluster}></cc-vm-manage-dialog>
    `;
  }

  private _phaseNote(phase: string) {
    switch (phase) {
      case 'lobby':
        return html`<p class="phase-note" role="status" data-testid="phase-note">
          Waiting for your teacher to start. Plan now: what you place starts booting when the clock starts.
        </p>`;
      case 'paused':
        return html`<p class="phase-note paused" role="status" data-testid="phase-note">Paused by your teacher. The clock has stopped; you can still change your cluster.</p>`;
      case 'debrief':
        return html`<p class="phase-note" role="status" data-testid="phase-note">Time is up. Read the debrief below.</p>`;
      case 'ended':
        return html`<p class="phase-note" role="status" data-testid="phase-note">This session has ended. Thanks for playing!</p>`;
      default:
        return '';
    }
  }

  private _onPlaceApp = (e: CustomEvent<{ appId: string }>) => {
    void this._place.show(e.detail.appId);
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
