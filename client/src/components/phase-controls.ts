import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { RoomHeader } from '../../../shared/views/types.ts';
import { hostCommand } from '../lib/events.ts';
import { PACES, paceOf, realClock, realDuration, realSeconds, simPerRealSecond } from '../../../shared/views/pace.ts';
import { PHASE_LABEL, clockText } from '../lib/format.ts';
import { base } from '../styles/shared.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './confirm-dialog.ts';

/** The named paces, then faster ones for trying a scenario out or skipping to its end. */
const SPEEDS: readonly { readonly speed: number; readonly label: string }[] = [
  ...PACES,
  { speed: 2, label: 'Very fast' },
  { speed: 5, label: 'Fast-forward' },
  { speed: 10, label: 'Fast-forward ×10' },
  { speed: 20, label: 'Fast-forward ×20' },
];

/** Real seconds the rest of the run takes at a speed (the clock stands still in a countdown). */
export const realLeft = (h: RoomHeader, speed = h.speed): number => realSeconds(Math.max(0, h.durationS - h.timeS), speed);

/** A simulated minute in real time at a speed: "24 s", "1 min", and tenths for the fast-forwards ("1.2 s"). */
export const simulatedMinute = (speed: number): string => {
  const s = 60 / simPerRealSecond(speed);
  return s >= 10 ? realDuration(s) : `${Math.round(s * 10) / 10} s`;
};

/** What a simulated minute is in real time at a speed: "a simulated minute takes 24 s". */
const paceMeaning = (speed: number): string => `a simulated minute takes ${simulatedMinute(speed)}`;

/**
 * The teacher's clock in real time ("2:40 left"), with the simulated clock labelled as such; start,
 * pause, resume, next phase and end (both after a confirmation that says what they cut short), the
 * pace and the room lock.
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
      .left {
        font-size: 1.6rem;
        font-weight: 800;
        font-variant-numeric: tabular-nums;
      }
      .clock {
        font-variant-numeric: tabular-nums;
        color: var(--cc-muted);
      }
      .countdown {
        font-size: 1.3rem;
        font-weight: 800;
        color: var(--cc-accent);
      }
      .pace-hint {
        flex-basis: 100%;
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
    const playing = phase === 'lobby' || phase === 'running' || phase === 'paused';
    const options = SPEEDS.some((o) => o.speed === h.speed) ? SPEEDS : [...SPEEDS, { speed: h.speed, label: `Custom ×${h.speed}` }].sort((a, b) => a.speed - b.speed);
    return html`
      <div class="state">
        <span class="phase" data-testid="teacher-phase" data-phase=${phase}>${PHASE_LABEL[phase] ?? phase}</span>
        ${h.countdown > 0
          ? html`<span class="countdown" data-testid="teacher-countdown" role="status">Starting in ${Math.ceil(h.countdown)}…</span>`
          : ''}
        ${playing
          ? html`<span class="left" data-testid="teacher-left"
              >${realClock(realLeft(h))} ${phase === 'lobby' ? 'to play' : 'left'}<span class="visually-hidden"> in real time</span></span
            >`
          : ''}
        <span class="clock" data-testid="teacher-clock" title="The scenario's own clock">${clockText(h.timeS)} / ${clockText(h.durationS)}<span class="unit"> simulated</span></span>
        ${h.locked ? html`<span><strong>Locked</strong>: no new students</span>` : ''}
      </div>
      <progress max=${h.durationS} .value=${h.timeS} aria-label="Simulated time elapsed"></progress>
      <div class="buttons">
        ${phase === 'lobby' ? html`<button type="button" class="primary" data-testid="control-start" @click=${() => this._control('start')}>Start</button>` : ''}
        ${phase === 'running' ? html`<button type="button" class="primary" data-testid="control-pause" @click=${() => this._control('pause')}>Pause</button>` : ''}
        ${phase === 'paused' ? html`<button type="button" class="primary" data-testid="control-resume" @click=${() => this._control('resume')}>Resume</button>` : ''}
        ${phase === 'running' || phase === 'paused'
          ? html`<button type="button" data-testid="control-next" @click=${this._onNext}>Next phase: debrief</button>`
          : ''}
        ${over ? '' : html`<button type="button" class="danger" data-testid="control-end" @click=${this._onEnd}>End session</button>`}
      </div>
      <div class="settings">
        ${playing
          ? html`<label
              >Pace
              <select data-testid="speed" .value=${live(String(h.speed))} @change=${this._onSpeed}>
                ${options.map(
                  (o) =>
                    // What a pace means, not a countdown: the time left is the clock line's, and it would go stale in a menu.
                    html`<option value=${String(o.speed)} ?selected=${o.speed === h.speed}>${o.label} — 1 simulated min = ${simulatedMinute(o.speed)}</option>`,
                )}
              </select></label
            >`
          : ''}
        <label><input type="checkbox" data-testid="lock" .checked=${live(h.locked)} @change=${this._onLock} ?disabled=${over} /> Lock the room (no new joins)</label>
        ${playing
          ? html`<span class="hint pace-hint" data-testid="pace-meaning">${paceOf(h.speed)?.label ?? `×${h.speed}`}: ${paceMeaning(h.speed)}.</span>`
          : html`<span class="hint pace-hint" data-testid="pace-meaning">Played at ${paceOf(h.speed)?.label ?? `×${h.speed}`} pace: ${paceMeaning(h.speed)}.</span>`}
      </div>
      <cc-confirm-dialog></cc-confirm-dialog>
    `;
  }

  /** "with 3:10 left" while the run has time to go. */
  private _leftText(): string {
    const h = this.header;
    if (!h || (h.phase !== 'running' && h.phase !== 'paused')) return '';
    const left = realLeft(h);
    return left >= 1 ? `, with ${realClock(left)} left` : '';
  }

  private async _onNext() {
    const dialog = this.renderRoot.querySelector<ConfirmDialog>('cc-confirm-dialog');
    const ok = await dialog?.ask({
      title: 'Go to the debrief now?',
      message: `This ends the run for everyone now${this._leftText()}: the clock stops, the scores are final and every student sees the debrief.`,
      confirm: 'Go to the debrief',
    });
    if (ok) this._control('nextPhase');
  }

  private _control(command: 'start' | 'pause' | 'resume' | 'nextPhase' | 'end') {
    hostCommand(this, { event: 'host:control', payload: { command } });
  }

  private async _onEnd() {
    const dialog = this.renderRoot.querySelector<ConfirmDialog>('cc-confirm-dialog');
    const h = this.header;
    const message =
      h?.phase === 'lobby'
        ? 'Nobody has played yet: the session closes for everyone and cannot be started again.'
        : `The session stops for good${this._leftText()}, and every student sees the debrief. This cannot be undone.`;
    const ok = await dialog?.ask({ title: 'End the session?', message, confirm: 'End session' });
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
