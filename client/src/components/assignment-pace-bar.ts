import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { emit } from '../lib/events.ts';
import type { SyncStatus } from '../lib/assignment-sync.ts';
import { base } from '../styles/shared.ts';

/** Simulated seconds per real second a student can pick. */
export const PLAY_SPEEDS = [1, 2, 5, 10, 20] as const;

export type PaceCommand = 'start' | 'pause' | 'skip';

const SAVE_TEXT: Record<SyncStatus, string> = {
  saved: 'All moves saved',
  saving: 'Saving…',
  offline: 'Offline: will retry',
  failed: 'Not saved',
};

/**
 * The student's own clock for a self-paced attempt: start, pause and resume, the speed, "skip to
 * the end", and whether the moves are saved. Fixed at the bottom of the screen, in thumb reach.
 *
 * @event cc-pace - `{command}`: start (or resume), pause, or skip to the end.
 * @event cc-speed - `{speed}`: simulated seconds per real second.
 */
@customElement('cc-assignment-pace-bar')
export class AssignmentPaceBar extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        position: fixed;
        left: 0;
        right: 0;
        bottom: 0;
        z-index: 3;
        background: var(--cc-surface);
        border-top: 1px solid var(--cc-border);
        box-shadow: 0 -6px 16px rgb(0 0 0 / 10%);
        padding: 0.45rem 0.6rem calc(0.45rem + env(safe-area-inset-bottom, 0px));
      }
      .bar {
        max-width: 72rem;
        margin: 0 auto;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.6rem;
      }
      button,
      select {
        min-height: 2.75rem;
        padding-inline: 0.65rem;
      }
      .main {
        min-width: 6.2rem;
        font-weight: 700;
      }
      label {
        display: flex;
        align-items: center;
        gap: 0.35rem;
        font-weight: 600;
      }
      .save {
        margin-left: auto;
        font-size: 0.85rem;
        color: var(--cc-muted);
      }
      .save[data-status='offline'],
      .save[data-status='failed'] {
        color: var(--cc-danger);
        font-weight: 700;
      }
      /* A phone: the three controls on one row, the save status in a line above them. */
      @media (max-width: 520px) {
        .bar {
          gap: 0.3rem 0.35rem;
          font-size: 0.95rem;
        }
        .main {
          min-width: 0;
        }
        button,
        select {
          padding-inline: 0.5rem;
        }
        .save {
          order: -1;
          flex-basis: 100%;
          margin-left: 0;
          font-size: 0.8rem;
          line-height: 1.2;
        }
        .long {
          display: none;
        }
      }
    `,
  ];

  @property({ type: Boolean }) running = false;
  /** The clock has run at least once: the main button says Resume, not Start. */
  @property({ type: Boolean }) started = false;
  @property({ type: Boolean }) over = false;
  @property({ type: Number }) speed = 5;
  @property() save: SyncStatus = 'saved';

  override render() {
    const label = this.running ? 'Pause' : this.started ? 'Resume' : 'Start';
    return html`<div class="bar" role="group" aria-label="Your clock" data-testid="pace-bar">
      <button type="button" class="main ${this.running ? '' : 'primary'}" data-testid="pace-toggle" ?disabled=${this.over} @click=${this._onToggle}>
        ${this.running ? '❚❚' : '▶'} ${label}
      </button>
      <label
        >Speed
        <select data-testid="pace-speed" .value=${String(this.speed)} ?disabled=${this.over} @change=${this._onSpeed} aria-describedby="speed-hint">
          ${PLAY_SPEEDS.map((s) => html`<option value=${String(s)} ?selected=${s === this.speed}>${s}×</option>`)}
        </select>
      </label>
      <span class="visually-hidden" id="speed-hint">Simulated seconds per real second</span>
      <button type="button" data-testid="pace-skip" ?disabled=${this.over} @click=${() => emit(this, 'cc-pace', { command: 'skip' })}>Skip to<span class="long"> the</span> end</button>
      <span class="save" role="status" data-testid="save-status" data-status=${this.save}>${SAVE_TEXT[this.save]}</span>
    </div>`;
  }

  private _onToggle() {
    emit(this, 'cc-pace', { command: this.running ? 'pause' : 'start' });
  }

  private _onSpeed(e: Event) {
    emit(this, 'cc-speed', { speed: Number((e.target as HTMLSelectElement).value) });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-assignment-pace-bar': AssignmentPaceBar;
  }
  interface HTMLElementEventMap {
    'cc-pace': CustomEvent<{ command: PaceCommand }>;
    'cc-speed': CustomEvent<{ speed: number }>;
  }
}
