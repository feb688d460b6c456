import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { emit } from '../lib/events.ts';
import { hostedAssignments, type HostedAssignment } from '../lib/storage.ts';
import { deadlineText } from '../lib/assignments-api.ts';
import { base } from '../styles/shared.ts';

export interface AssignmentSettings {
  /** Epoch ms; NaN while the date or time is not a valid one. */
  readonly deadlineMs: number;
  readonly checks: boolean;
  readonly title: string;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
export const TITLE_MAX = 80;
/** The server's limit on a deadline. */
export const MAX_DEADLINE_DAYS = 90;

const pad = (n: number) => String(n).padStart(2, '0');
const dateValue = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const timeValue = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** A week from now at 17:00, local time: a teacher's usual "hand it in by". */
export function defaultDeadline(now = new Date()): Date {
  const d = new Date(now.getTime() + WEEK_MS);
  d.setHours(17, 0, 0, 0);
  return d;
}

/** What is wrong with a deadline, in words, or null. */
export function deadlineProblem(ms: number, now = Date.now()): string | null {
  if (!Number.isFinite(ms)) return 'Pick a date and a time for the deadline.';
  if (ms <= now) return 'The deadline must be in the future.';
  if (ms > now + MAX_DEADLINE_DAYS * 24 * 3600 * 1000) return `The deadline can be at most ${MAX_DEADLINE_DAYS} days ahead.`;
  return null;
}

/**
 * The settings of a self-paced assignment in the host page's form: the deadline (date and time,
 * in the teacher's time zone), whether to ask the concept checks, and an optional title.
 *
 * @event cc-assignment-settings - the settings, whenever one changes (and once at first).
 */
@customElement('cc-assignment-options')
export class AssignmentOptions extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .when {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
      }
      .when .field {
        margin: 0;
      }
      input[type='date'],
      input[type='time'] {
        min-height: 2.75rem;
      }
      .switch {
        display: flex;
        gap: 0.6rem;
        align-items: flex-start;
        font-weight: 600;
        min-height: 44px;
      }
      .switch input {
        width: 1.3rem;
        height: 1.3rem;
        margin-top: 0.15rem;
      }
      #assignment-title {
        width: 100%;
      }
      .switch + .field {
        margin-top: 0.6rem;
      }
    `,
  ];

  @state() private _date = dateValue(defaultDeadline());
  @state() private _time = timeValue(defaultDeadline());
  @state() private _checks = true;
  @state() private _title = '';

  override firstUpdated(): void {
    this._emit();
  }

  override render() {
    const ms = this._deadlineMs();
    const problem = deadlineProblem(ms);
    return html`<fieldset data-testid="assignment-options">
      <legend>Assignment</legend>
      <div class="when">
        <div class="field">
          <label for="deadline-date">Deadline: date</label>
          <input id="deadline-date" type="date" required data-testid="deadline-date" .value=${this._date} @input=${(e: Event) => this._set({ date: (e.target as HTMLInputElement).value })} />
        </div>
        <div class="field">
          <label for="deadline-time">Time</label>
          <input id="deadline-time" type="time" required data-testid="deadline-time" .value=${this._time} @input=${(e: Event) => this._set({ time: (e.target as HTMLInputElement).value })} />
        </div>
      </div>
      <p class="hint" data-testid="deadline-text" aria-live="polite">${problem ?? `Students can play until ${deadlineText(ms)} (your time zone).`}</p>
      <label class="switch">
        <input type="checkbox" role="switch" data-testid="assignment-checks" .checked=${this._checks} @change=${(e: Event) => this._set({ checks: (e.target as HTMLInputElement).checked })} />
        <span>Concept checks<br /><span class="hint">A few short questions before the game and the same ideas after it, so you see what the class learnt.</span></span>
      </label>
      <div class="field">
        <label for="assignment-title">Title (optional)</label>
        <input
          id="assignment-title"
          data-testid="assignment-title-input"
          maxlength=${TITLE_MAX}
          placeholder="The scenario's title"
          .value=${this._title}
          @input=${(e: Event) => this._set({ title: (e.target as HTMLInputElement).value })}
        />
      </div>
    </fieldset>`;
  }

  private _deadlineMs(): number {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(this._date) || !/^\d{2}:\d{2}$/.test(this._time)) return Number.NaN;
    return new Date(`${this._date}T${this._time}`).getTime();
  }

  private _set(change: { date?: string; time?: string; checks?: boolean; title?: string }) {
    if (change.date !== undefined) this._date = change.date;
    if (change.time !== undefined) this._time = change.time;
    if (change.checks !== undefined) this._checks = change.checks;
    if (change.title !== undefined) this._title = change.title;
    this._emit();
  }

  private _emit() {
    emit<AssignmentSettings>(this, 'cc-assignment-settings', { deadlineMs: this._deadlineMs(), checks: this._checks, title: this._title.trim() });
  }
}

/** The assignments this teacher set on this device, each with its console. */
@customElement('cc-assignment-list')
export class AssignmentList extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.4rem;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
      }
    `,
  ];

  @property({ attribute: false }) assignments: readonly HostedAssignment[] = hostedAssignments();

  override render() {
    if (this.assignments.length === 0) return html``;
    return html`<section class="panel" aria-labelledby="assignments-title">
      <h2 id="assignments-title">My assignments on this device</h2>
      <ul data-testid="my-assignments">
        ${this.assignments.map(
          (a) =>
            html`<li>
              <span>${a.title} · due ${deadlineText(a.deadlineMs)}${a.deadlineMs < Date.now() ? ' (closed)' : ''}</span>
              <a class="button small" href="/assignment/${a.id}" data-testid="open-assignment">Open console</a>
            </li>`,
        )}
      </ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-assignment-options': AssignmentOptions;
    'cc-assignment-list': AssignmentList;
  }
  interface HTMLElementEventMap {
    'cc-assignment-settings': CustomEvent<AssignmentSettings>;
  }
}
