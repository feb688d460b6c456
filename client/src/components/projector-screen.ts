import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProjectorView, RoomStatic } from '../../../shared/views/types.ts';
import { PHASE_LABEL, clockText } from '../lib/format.ts';
import { base } from '../styles/shared.ts';
import './event-feed.ts';
import './leaderboard.ts';
import './qr-code.ts';

/**
 * The teacher's big screen, readable from the back of a room: in the lobby the code, the join
 * URL, its QR code and who has joined; once running, the leaderboard and live events.
 */
@customElement('cc-projector-screen')
export class ProjectorScreen extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: #0b0f17;
        color: #fff;
        --cc-text: #ffffff;
        --cc-muted: #c5ccd8;
        --cc-surface: #161c28;
        --cc-surface-2: #222a3a;
        --cc-border: #4a5468;
        --cc-accent: #8fb3ff;
        --cc-accent-soft: #1d2b4d;
        --cc-warn: #ffd27a;
        --cc-warn-soft: #3a2c0c;
        --cc-danger: #ff9c94;
        --cc-danger-soft: #45160f;
        font-size: clamp(16px, 1.4vw, 30px);
      }
      main {
        padding: 2vh 3vw;
        display: grid;
        gap: 2vh 3vw;
        grid-template-columns: minmax(0, 1fr);
      }
      @media (min-width: 900px) {
        main {
          grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        }
      }
      header {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        gap: 1vh 2vw;
        align-items: baseline;
        justify-content: space-between;
      }
      h1 {
        font-size: 2.2em;
        margin: 0;
      }
      .status {
        font-size: 1.5em;
        font-variant-numeric: tabular-nums;
        font-weight: 700;
      }
      .join {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        grid-template-areas: 'label label' 'code code' 'url qr';
        gap: 1vh 2vw;
        align-items: center;
        background: var(--cc-surface);
        border: 2px solid var(--cc-border);
        border-radius: 16px;
        padding: 2vh 2vw;
      }
      @media (min-width: 900px) {
        .join {
          grid-template-areas: 'label qr' 'code qr' 'url qr';
        }
      }
      .join .label {
        grid-area: label;
      }
      .join .code {
        grid-area: code;
      }
      .join .url {
        grid-area: url;
        align-self: end;
      }
      .join cc-qr-code {
        grid-area: qr;
      }
      .label {
        font-size: 1.1em;
        color: var(--cc-muted);
        margin: 0;
      }
      .code {
        font-family: var(--cc-mono);
        font-size: clamp(2.5rem, 7.5vw, 11rem);
        font-weight: 800;
        letter-spacing: 0.06em;
        line-height: 1;
        margin: 0.1em 0;
        white-space: nowrap;
      }
      .join.compact .code {
        font-size: clamp(2rem, 4.5vw, 6rem);
      }
      .url {
        font-size: 1.3em;
        font-family: var(--cc-mono);
        overflow-wrap: anywhere;
        margin: 0;
      }
      cc-qr-code {
        width: clamp(9rem, 16vw, 22rem);
      }
      .join.compact cc-qr-code {
        width: clamp(6rem, 10vw, 12rem);
      }
      section.panel {
        background: var(--cc-surface);
        border: 2px solid var(--cc-border);
        border-radius: 16px;
        padding: 2vh 2vw;
      }
      h2 {
        font-size: 1.5em;
      }
      .count {
        font-size: 3em;
        font-weight: 800;
        line-height: 1;
      }
      ul.names {
        list-style: none;
        margin: 1vh 0 0;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
      }
      ul.names li {
        background: var(--cc-surface-2);
        border-radius: 999px;
        padding: 0.15em 0.8em;
        font-size: 1.2em;
        font-weight: 600;
      }
      cc-leaderboard {
        font-size: 1.5em;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) view: ProjectorView | null = null;
  @property() joinUrl = '';

  override render() {
    const { view, room } = this;
    if (!view) return html`<main><p>Connecting…</p></main>`;
    const lobby = view.room.phase === 'lobby';
    const appNames = new Map((room?.scenario.apps ?? []).map((a) => [a.id, a.name]));
    return html`<main>
      <header>
        <h1>${view.title}</h1>
        <span class="status" data-testid="projector-status" data-phase=${view.room.phase}
          >${PHASE_LABEL[view.room.phase] ?? view.room.phase} · ${clockText(view.room.timeS)} / ${clockText(view.room.durationS)}${view.room.locked ? ' · locked' : ''}</span
        >
      </header>
      <section class="join ${lobby ? '' : 'compact'}" aria-labelledby="join-label" data-testid="projector-join">
        <p class="label" id="join-label">Join at <strong>${new URL(this.joinUrl || location.origin).host}</strong> with code</p>
        <p class="code" data-testid="projector-code" aria-label="Room code ${view.room.code.split('').join(' ')}">${view.room.code}</p>
        <p class="url" data-testid="projector-url">${this.joinUrl}</p>
        <cc-qr-code .value=${this.joinUrl}></cc-qr-code>
      </section>
      ${lobby
        ? html`<section class="panel" aria-labelledby="roster-title">
            <h2 id="roster-title">Who is here</h2>
            <p><span class="count" data-testid="projector-count">${view.players}</span> joined</p>
            <ul class="names" data-testid="projector-roster">
              ${view.names.map((n) => html`<li data-testid="projector-name">${n}</li>`)}
            </ul>
          </section>`
        : html`<section class="panel" aria-labelledby="board-title">
            <h2 id="board-title">Leaderboard</h2>
            <cc-leaderboard .rows=${view.top} data-testid="projector-leaderboard"></cc-leaderboard>
          </section>`}
      <section class="panel" aria-labelledby="events-title" style="grid-column: 1 / -1">
        <h2 id="events-title">Events</h2>
        <cc-event-feed big .banners=${view.banners} .effects=${view.effects} .appNames=${appNames} .timeS=${view.room.timeS}></cc-event-feed>
      </section>
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-screen': ProjectorScreen;
  }
}
