import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ConceptGain } from '../../../shared/learning/types.ts';
import { ApiError } from '../lib/api.ts';
import type { AssignmentProgress } from '../../../shared/protocol/assignments.ts';
import { deadlineText, deleteAssignment, downloadAssignmentReport, getProgress } from '../lib/assignments-api.ts';
import { points } from '../lib/format.ts';
import { icon } from '../lib/icons.ts';
import { followLink, keyFromHash } from '../lib/router.ts';
import { assignmentTeacherToken, forgetAssignment, rememberAssignment, saveAssignmentTeacherToken } from '../lib/storage.ts';
import { base, notice } from '../styles/shared.ts';
import type { ConfirmDialog } from '../components/confirm-dialog.ts';
import '../components/assignment-attempts.ts';
import '../components/check-gains.ts';
import '../components/concept-tag.ts';
import '../components/confirm-dialog.ts';
import '../components/qr-code.ts';

/** How often the console asks for the class's progress. */
const REFRESH_MS = 5_000;

/**
 * `/assignment/ID`: the teacher's console for a self-paced assignment. The student link with its
 * QR code, the class's progress (refreshed every few seconds), what the concept checks show, the
 * report, and deleting it all. The teacher key comes from this browser's storage or from a
 * `#key=` link (then it is kept and taken out of the address bar).
 */
@customElement('cc-assignment-teach-page')
export class AssignmentTeachPage extends LitElement {
  static override styles = [
    base,
    notice,
    css`
      :host {
        display: block;
      }
      main {
        max-width: 80rem;
        margin: 0 auto;
        padding: 1.25rem 1rem 3rem;
      }
      .notice {
        max-width: 36rem;
        padding: 1.5rem;
      }
      .top {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 1rem;
        align-items: start;
      }
      .link-box {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        gap: 0.5rem 1.25rem;
        align-items: center;
      }
      cc-qr-code {
        width: 12rem;
      }
      .url {
        font-family: var(--cc-mono);
        font-size: 1.35rem;
        font-weight: 700;
        overflow-wrap: anywhere;
        margin: 0.2rem 0 0.5rem;
      }
      .stats {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 2rem;
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .stats strong {
        font-size: 1.6rem;
        display: block;
      }
      section + section {
        margin-top: 1rem;
      }
      .url.small {
        font-size: 0.95rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .status-open {
        color: var(--cc-ok, inherit);
        font-weight: 700;
      }
      .status-closed {
        font-weight: 700;
      }
      /* The link for a whole room to scan from the back row. */
      dialog.big {
        width: min(96vw, 60rem);
        max-width: none;
        max-height: 96vh;
        text-align: center;
      }
      dialog.big cc-qr-code {
        display: block;
        width: min(62vh, 80vw, 40rem);
        margin: 0 auto;
      }
      dialog.big h2 {
        font-size: 2rem;
      }
      dialog.big .url {
        font-size: clamp(1.4rem, 3vw, 2.4rem);
      }
      @media (max-width: 800px) {
        .top,
        .link-box {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property() assignmentId = '';
  @state() private _progress: AssignmentProgress | null = null;
  @state() private _error: { title: string; message: string } | null = null;
  @state() private _stale: string | null = null;
  @state() private _notice: string | null = null;
  @state() private _copied: string | null = null;
  @query('cc-confirm-dialog') private _confirm!: ConfirmDialog;
  @query('dialog.big') private _big!: HTMLDialogElement;
  private _token: string | null = null;
  private _timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = 'Assignment · ClusterClass';
  }

  override disconnectedCallback(): void {
    clearInterval(this._timer);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('assignmentId') && this.assignmentId) this._begin();
  }

  private _begin() {
    const fromLink = keyFromHash(location.hash);
    if (fromLink) {
      saveAssignmentTeacherToken(this.assignmentId, fromLink);
      // The key leaves the address bar (and the history) once it is kept.
      history.replaceState(null, '', location.pathname);
    }
    this._token = fromLink ?? assignmentTeacherToken(this.assignmentId);
    if (!this._token) {
      this._error = {
        title: 'This browser does not have the teacher key',
        message: 'Open the console from the device you created the assignment on, or use the private teacher link it shows.',
      };
      return;
    }
    void this._refresh();
    clearInterval(this._timer);
    this._timer = setInterval(() => void this._refresh(), REFRESH_MS);
  }

  private async _refresh() {
    if (!this._token) return;
    try {
      const progress = await getProgress(this.assignmentId, this._token);
      this._progress = progress;
      this._stale = null;
      document.title = `${progress.assignment.title} · Assignment · ClusterClass`;
      rememberAssignment({ id: progress.assignment.id, title: progress.assignment.title, deadlineMs: progress.assignment.deadlineMs, createdAt: progress.assignment.createdAtMs });
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'assignment-not-found' || error.code === 'forbidden')) {
        clearInterval(this._timer);
        this._error =
          error.code === 'forbidden'
            ? { title: 'Not your assignment', message: 'The teacher key this browser holds does not open this assignment.' }
            : { title: 'Assignment not found', message: 'There is no assignment here: it was deleted, or it expired.' };
        return;
      }
      this._stale = `Could not refresh just now (${(error as Error).message}); trying again.`;
    }
  }

  override render() {
    if (this._notice)
      return html`<main class="notice panel" data-testid="assignment-deleted">
        <h1>Deleted</h1>
        <p>${this._notice}</p>
        <p><a class="button" href="/host" @click=${followLink}>Set another one</a></p>
      </main>`;
    if (this._error)
      return html`<main class="notice panel" data-testid="console-error">
        <h1>${this._error.title}</h1>
        <p>${this._error.message}</p>
        <p><a class="button" href="/host" @click=${followLink}>Host a session or an assignment</a></p>
      </main>`;
    const p = this._progress;
    if (!p) return html`<main class="notice panel"><p role="status">Loading the assignment…</p></main>`;
    const a = p.assignment;
    const link = this._studentLink();
    return html`<main>
      <p><a href="/host" @click=${followLink}>← Host</a></p>
      <div class="top">
        <div>
          <p class="hint">Self-paced assignment</p>
          <h1 data-testid="console-title">${a.title}</h1>
          <p>
            ${a.scenario.title} · ${Math.round(a.scenario.durationS / 60)} simulated minutes ·
            ${a.closed
              ? html`<span class="status-closed" data-testid="assignment-status">Closed ${deadlineText(a.deadlineMs)}</span>`
              : html`<span class="status-open" data-testid="assignment-status">Open until ${deadlineText(a.deadlineMs)}</span>`}
          </p>
        </div>
      </div>
      ${this._stale ? html`<p class="error" role="status">${this._stale}</p>` : ''}
      <section class="panel" aria-labelledby="link-title">
        <h2 id="link-title">The students’ link</h2>
        <div class="link-box">
          <cc-qr-code .value=${link}></cc-qr-code>
          <div>
            <p class="hint">Students open this on a phone or a computer, pick a nickname and play alone, at their own pace, until the deadline.</p>
            <p class="url" data-testid="student-link">${link}</p>
            <p class="row">
              <button type="button" class="primary" data-testid="copy-student-link" @click=${this._onCopy}>${icon('copy')} Copy link</button>
              <button type="button" data-testid="show-big-qr" aria-haspopup="dialog" @click=${() => this._big.showModal()}>Show it big, for the projector</button>
              <input id="student-url" class="visually-hidden" readonly .value=${link} aria-label="Student link" tabindex="-1" />
            </p>
            <p class="hint" role="status" data-testid="copy-status">${this._copied ?? ''}</p>
          </div>
        </div>
      </section>
      <section class="panel" aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        <ul class="stats" data-testid="assignment-summary">
          <li>Started <strong data-testid="summary-started">${p.summary.started}</strong></li>
          <li>Finished <strong data-testid="summary-finished">${p.summary.finished}</strong></li>
          <li>Average score <strong data-testid="summary-average">${p.summary.averageTotal === null ? '–' : points(p.summary.averageTotal)}</strong></li>
        </ul>
        <p class="hint">Scores are the server’s: it re-runs each student’s moves. Updated every few seconds.</p>
        <cc-assignment-attempts .attempts=${p.attempts} .durationS=${a.scenario.durationS} ?checks=${a.checks}></cc-assignment-attempts>
      </section>
      ${a.checks ? this._renderGains(p.concepts) : ''} ${this._renderMissed(p)}
      <section class="panel" aria-labelledby="report-title">
        <h2 id="report-title">Report</h2>
        <p class="hint">The same report as for a live session: every student, their scores, what they missed${a.checks ? ', and the checks' : ''}.</p>
        <p class="row">
          <button type="button" data-testid="report-csv" @click=${() => void this._onReport('csv')}>Download CSV</button>
          <button type="button" data-testid="report-json" @click=${() => void this._onReport('json')}>Download JSON</button>
        </p>
      </section>
      <section class="panel" aria-labelledby="other-title">
        <h2 id="other-title">This console on another device</h2>
        <details data-testid="teacher-link">
          <summary>Show the private teacher link</summary>
          <p class="hint">Anyone with this link sees the results and can delete the assignment: do not share it with students.</p>
          <p class="url small" data-testid="teacher-link-url">${location.origin}/assignment/${this.assignmentId}#key=${encodeURIComponent(this._token ?? '')}</p>
        </details>
      </section>
      <section class="panel" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete</h2>
        <p class="hint">Everything about this assignment is deleted by itself some days after the deadline. You can delete it now.</p>
        <button type="button" class="danger" data-testid="delete-assignment" @click=${this._onDelete}>Delete this assignment and all its data</button>
      </section>
      <cc-confirm-dialog></cc-confirm-dialog>
      <dialog class="big" aria-labelledby="big-title" data-testid="big-qr">
        <h2 id="big-title">${a.title}: scan to start</h2>
        <cc-qr-code .value=${link}></cc-qr-code>
        <p class="url">${link}</p>
        <form method="dialog"><button class="primary" autofocus>Close</button></form>
      </dialog>
    </main>`;
  }

  private _renderGains(concepts: readonly ConceptGain[]) {
    return html`<section class="panel" aria-labelledby="gains-title" data-testid="assignment-gains">
      <h2 id="gains-title">What the checks show</h2>
      <p class="hint">Right answers before the game and after it, idea by idea.</p>
      <cc-check-gains .gains=${concepts} label="Concept checks of this assignment, by idea"></cc-check-gains>
    </section>`;
  }

  private _renderMissed(p: AssignmentProgress) {
    if (p.missed.length === 0) return '';
    return html`<section class="panel" aria-labelledby="missed-title">
      <h2 id="missed-title">What the class tripped over</h2>
      <p class="hint">Refused moves and setbacks in the students’ clusters, by the idea behind them.</p>
      <ul class="stats" data-testid="class-missed">
        ${p.missed.map((m) => html`<li><cc-concept-tag concept=${m.concept}></cc-concept-tag> ${m.count}×</li>`)}
      </ul>
    </section>`;
  }

  private _studentLink(): string {
    return `${location.origin}/a/${this.assignmentId}`;
  }

  private async _onCopy() {
    const link = this._studentLink();
    try {
      // The clipboard API needs a secure context; classrooms often serve plain http on a LAN.
      if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
      await navigator.clipboard.writeText(link);
      this._copied = 'Copied: paste it where your class will find it.';
    } catch {
      const input = this.renderRoot.querySelector<HTMLInputElement>('#student-url');
      input?.focus();
      input?.select();
      // execCommand is deprecated but the only copy a plain-http page has.
      const ok = document.execCommand?.('copy') ?? false;
      this._copied = ok ? 'Copied: paste it where your class will find it.' : `Copy this link: ${link}`;
    }
  }

  private async _onReport(format: 'csv' | 'json') {
    try {
      await downloadAssignmentReport(this.assignmentId, this._token!, format);
    } catch (error) {
      this._stale = `Could not download the report: ${(error as Error).message}`;
    }
  }

  private _onDelete = async () => {
    const ok = await this._confirm.ask({
      title: 'Delete this assignment?',
      message: 'Every attempt, score, answer and replay of it is deleted for good, and the students’ link stops working.',
      confirm: 'Delete everything',
    });
    if (!ok) return;
    try {
      await deleteAssignment(this.assignmentId, this._token!);
      clearInterval(this._timer);
      forgetAssignment(this.assignmentId);
      this._notice = 'The assignment and all its data are gone.';
    } catch (error) {
      this._stale = `Could not delete it: ${(error as Error).message}`;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-assignment-teach-page': AssignmentTeachPage;
  }
}
