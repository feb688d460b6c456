import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { RoomHeader } from '../../../shared/views/types.ts';
import { hostCommand } from '../lib/events.ts';
import { PHASE_LABEL, clockText } from '../lib/format.ts';
import { base } from '../styles/shared.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './confirm-dialog.ts';

const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 20] as const;

/**
 * The teacher's clock: start, pause, resume, next phase, end (with a confirmation), speed and
 * the room lock.
 *
 * @fires cc-host-command - host:control, host:speed or host:lock
 */
@customElement('cc-phase-controls')
export class PhaseControls extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .state {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1rem;
        align-items: baseline;
        margin-bottom: 0.6rem;
      }
      .phase {
        font-size: 1.3rem;
        font-weight: 800;
      }
      .clock {
        font-size: 1.3rem;
        font-variant-numeric: tabular-nums;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        margin-bottom: 0.6rem;
      }
      .settings {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.25rem;
        align-items: center;
      }
      .settings label {
        display: inline-flex;
        gap: 0.4rem;
        align-items: center;
      }
      progress {
        width: 100%;
        height: 0.7rem;
        margin-bottom: 0.6rem;
      }
    `,
  ];

  @property({ attribute: false }) header: RoomHeader | null = null;

  override render() {
    const h = this.header;
    if (!h) return html``;
    const phase = h.phase;
    const over = phase === 'ended';
    return html`
      <div class="state">
        <span class="phase" data-testid="teacher-phase" data-phase=${phase}>${PHASE_LABEL[phase] ?? phase}</span>
        <span class="clock" data-testid="teacher-clock">${clockText(h.timeS)} / ${clockText(h.durationS)}</span>
        <span>speed ${h.speed}×</span>
        ${h.locked ? html`<span><strong>Locked</strong>: no new students</span>` : ''}
      </div>
      <progress max=${h.durationS} .value=${h.timeS} aria-label="Time elapsed"></progress>
      <div class="buttons">
        ${phase === 'lobby' ? html`<button type="button" class="primary" data-testid="control-start" @click=${() => this._control('start')}>Start</button>` : ''}
        ${phase === 'running' ? html`<button type="button" class="primary" data-testid="control-pause" @click=${() => this._control('pause')}>Pause</button>` : ''}
        ${phase === 'paused' ? html`<button type="button" class="primary" data-testid="control-resume" @click=${() => this._control('resume')}>Resume</button>` : ''}
        ${phase === 'running' || phase === 'paused'
          ? html`<button type="button" data-testid="control-next" @click=${() => this._control('nextPhase')}>Next phase: debrief</button>`
          : ''}
        ${over ? '' : html`<button type="button" class="danger" data-testid="control-end" @click=${this._onEnd}>End session</button>`}
      </div>
      <div class="settings">
        <label
          >Speed
          <select data-testid="speed" .value=${live(String(h.speed))} @change=${this._onSpeed} ?disabled=${over}>
            ${SPEEDS.map((s) => html`<option value=${String(s)} ?selected=${s === h.speed}>${s}×</option>`)}
          </select></label
        >
        <label><input type="checkbox" data-testid="lock" .checked=${live(h.locked)} @change=${this._onLock} ?disabled=${over} /> Lock the room (no new joins)</label>
      </div>
      <cc-confirm-dialog></cc-confirm-dialog>
    `;
  }

  private _control(command: 'start' | 'pause' | 'resume' | 'nextPhase' | 'end') {
    hostCommand(this, { event: 'host:control', payload: { command } });
  }

  private async _onEnd() {
    const dialog = this.renderRoot.querySelector<ConfirmDialog>('cc-confirm-dialog');
    const ok = await dialog?.ask({ title: 'End the session?', message: 'The clock stops for good and every student sees the debrief. This cannot be undone.', confirm: 'End session' });
    if (ok) this._control('end');
  }

  private _onSpeed(e: Event) {
    hostCommand(this, { event: 'host:speed', payload: { speed: Number((e.target as HTMLSelectElement).value) } });
  }

  private _onLock(e: Event) {
    hostCommand(this, { event: 'host:lock', payload: { locked: (e.target as HTMLInputElement).checked } });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-phase-controls': PhaseControls;
  }
}
