import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiError, createRoom, deleteSession, getConfig, getScenarios, type ScenarioSummary, type ServerConfig } from '../lib/api.ts';
import { DEFAULT_SPEED, PACES, paceOf, realDuration, realSeconds } from '../../../shared/views/pace.ts';
import { followLink, navigate } from '../lib/router.ts';
import { forgetSession, hostToken, hostedSessions, rememberSession, saveHostToken, type HostedSession } from '../lib/storage.ts';
import type { ConfirmDialog } from '../components/confirm-dialog.ts';
import '../components/confirm-dialog.ts';
import { base } from '../styles/shared.ts';
import { createAssignment } from '../lib/assignments-api.ts';
import { rememberAssignment, saveAssignmentTeacherToken } from '../lib/storage.ts';
import { deadlineProblem, type AssignmentSettings } from '../components/assignment-options.ts';
import '../components/assignment-options.ts';

const MAX_UPLOAD_BYTES = 256 * 1024;
const DEFAULT_TEAMS = 4;

/** "10 simulated min", "90 simulated s": the scenario's own clock, labelled as such. */
const simulated = (s: number): string => (s >= 60 ? `${Math.round(s / 60)} simulated min` : `${s} simulated s`);

/** "about 4 min to play at Classroom pace": what the class lives through in real time. */
export const playTime = (durationS: number, speed: number): string => `about ${realDuration(realSeconds(durationS, speed))} to play at ${paceOf(speed)?.label ?? `${speed}×`} pace`;

/** `/host`: pick a built-in scenario or upload one, pick the mode, create the room. */
@customElement('cc-host-setup-page')
export class HostSetupPage extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      main {
        max-width: 72rem;
        margin: 0 auto;
        padding: 1.5rem 1rem 3rem;
      }
      .scenarios {
        display: grid;
        gap: 0.5rem;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr));
      }
      .scenario {
        display: grid;
        grid-template-columns: auto 1fr;
        align-content: start;
        gap: 0.2rem 0.6rem;
        border: 2px solid var(--cc-border);
        border-radius: var(--cc-radius);
        padding: 0.6rem 0.75rem;
        background: var(--cc-surface);
        cursor: pointer;
        font-weight: 400;
      }
      .scenario:has(input:checked) {
        border-color: var(--cc-accent);
        background: var(--cc-accent-soft);
      }
      .scenario input {
        margin-top: 0.2rem;
      }
      .scenario .title {
        font-weight: 700;
      }
      .scenario .meta {
        grid-column: 2;
        color: var(--cc-muted);
        font-size: 0.875rem;
      }
      .scenario .summary {
        grid-column: 2;
      }
      input[type='file'] {
        width: 100%;
      }
      ul.problems {
        margin: 0.4rem 0 0;
        padding-left: 1.2rem;
        font-family: var(--cc-mono);
        font-size: 0.875rem;
      }
      /* What is being set up: the page's first choice, so not boxed like the fieldsets under it. */
      .kinds {
        border: 0;
        padding: 0;
        margin: 0 0 var(--cc-gap);
      }
      .kinds .hint,
      .mode-hint {
        margin: 0.4rem 0 0;
      }
      .segmented {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.5rem;
        max-width: 32rem;
      }
      .kind {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        border: 2px solid var(--cc-border);
        border-radius: var(--cc-radius);
        padding: 0.5rem 0.75rem;
        min-height: 44px;
        cursor: pointer;
        font-weight: 700;
        line-height: 1.2;
      }
      .kind:has(input:checked) {
        border-color: var(--cc-accent);
        background: var(--cc-accent-soft);
      }
      .paces {
        display: grid;
        gap: 0.5rem;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
      }
      .pace {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.15rem 0.6rem;
        align-content: start;
        border: 2px solid var(--cc-border);
        border-radius: var(--cc-radius);
        padding: 0.55rem 0.75rem;
        min-height: 44px;
        cursor: pointer;
        font-weight: 400;
      }
      .pace:has(input:checked) {
        border-color: var(--cc-accent);
        background: var(--cc-accent-soft);
      }
      .pace input {
        margin-top: 0.2rem;
      }
      .pace .name {
        font-weight: 700;
      }
      .pace .hint {
        grid-column: 2;
      }
      .scenario .playtime {
        grid-column: 2;
        font-weight: 700;
      }
      .teams-count {
        margin: 0.6rem 0 0;
      }
      .teams-count input {
        width: 6rem;
      }
      .modes {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.5rem;
      }
      [role='alert'] .error {
        margin-bottom: 0.75rem;
      }
      .submit {
        font-size: 1.15rem;
        min-height: 3rem;
        width: 100%;
      }
      /* The choice and the Create button stay in view below the long list of scenarios. */
      .create-bar {
        position: sticky;
        bottom: 0;
        z-index: 2;
        margin: 1rem -1rem -0.9rem;
        padding: 0.6rem 1rem calc(0.75rem + env(safe-area-inset-bottom, 0px));
        background: var(--cc-surface);
        border-top: 1px solid var(--cc-border);
        border-radius: 0 0 var(--cc-radius) var(--cc-radius);
        box-shadow: 0 -6px 16px rgb(0 0 0 / 10%);
      }
      .create-bar .alert {
        max-height: 40vh;
        overflow-y: auto;
      }
      .chosen {
        margin: 0 0 0.45rem;
        font-size: 0.9rem;
        overflow-wrap: anywhere;
      }
      /* A phone: each card says what it is and how long it plays; the chosen one tells its story (and its size). */
      @media (max-width: 600px) {
        main {
          padding: 1rem 0.6rem 2rem;
        }
        .scenario:not(:has(input:checked)) .summary,
        .scenario:not(:has(input:checked)) .meta,
        .pace:not(:has(input:checked)) .hint {
          display: none;
        }
        .scenario .meta {
          font-size: 0.8rem;
        }
        form.panel {
          padding: 0.75rem 0.6rem 0.9rem;
        }
        .create-bar {
          margin-inline: -0.6rem;
          padding-inline: 0.6rem;
        }
      }
      section + section,
      form + section {
        margin-top: 1.25rem;
      }
      .sessions {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.4rem;
      }
      .sessions li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
      }
      .code {
        font-family: var(--cc-mono);
        font-weight: 700;
        letter-spacing: 0.1em;
      }
    `,
  ];

  @state() private _config: ServerConfig | null = null;
  @state() private _scenarios: ScenarioSummary[] = [];
  @state() private _choice = '';
  @state() private _upload: { name: string; scenario: unknown } | null = null;
  @state() private _mode: 'solo' | 'teams' = 'solo';
  @state() private _speed = DEFAULT_SPEED;
  @state() private _teams = DEFAULT_TEAMS;
  /** Concept checks before the run and after the debrief (off unless the teacher turns them on). */
  @state() private _checks = false;
  @state() private _passcode = '';
  @state() private _error: { message: string; details: readonly string[] } | null = null;
  @state() private _busy = false;
  @state() private _loadError: string | null = null;
  @state() private _sessions: HostedSession[] = hostedSessions();
  /** The session being deleted now, and why the last deletion failed. */
  @state() private _deleting: string | null = null;
  @state() private _deleteError: string | null = null;
  /** A live session, or a self-paced assignment (client/src/components/assignment-options.ts). */
  @state() private _kind: 'live' | 'assignment' = 'live';
  private _assignment: AssignmentSettings | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = 'Host a session · ClusterClass';
    void this._load();
  }

  private async _load() {
    try {
      const [config, scenarios] = await Promise.all([getConfig(), getScenarios()]);
      this._config = config;
      this._scenarios = scenarios;
      this._choice ||= scenarios[0]?.id ?? '';
    } catch (error) {
      this._loadError = (error as Error).message;
    }
  }

  override render() {
    return html`<main>
      <p><a href="/" @click=${followLink}>← ClusterClass</a></p>
      <h1>Host a session</h1>
      ${this._loadError ? html`<p class="error" role="alert">${this._loadError}</p>` : ''}
      <form class="panel" @submit=${this._onSubmit} data-testid="host-form" aria-labelledby="setup-title">
        <h2 id="setup-title">Set up the session</h2>
        <fieldset data-testid="kind" class="kinds" aria-describedby="kind-hint">
          <legend class="visually-hidden">What are you setting?</legend>
          <div class="segmented">
            <label class="kind"><input type="radio" name="kind" value="live" data-testid="kind-live" .checked=${this._kind === 'live'} @change=${() => (this._kind = 'live')} /> Live session</label>
            <label class="kind"><input type="radio" name="kind" value="assignment" data-testid="kind-assignment" .checked=${this._kind === 'assignment'} @change=${() => (this._kind = 'assignment')} /> Self-paced assignment</label>
          </div>
          <p class="hint" id="kind-hint">${this._kind === 'live' ? 'The class plays together, now, on your clock.' : 'Each student plays alone, at their own pace, by a deadline.'}</p>
        </fieldset>
        ${this._kind === 'assignment' ? html`<cc-assignment-options @cc-assignment-settings=${(e: CustomEvent<AssignmentSettings>) => (this._assignment = e.detail)}></cc-assignment-options>` : ''}
        <fieldset aria-describedby="pace-hint" ?hidden=${this._kind === 'assignment'}>
          <legend>Pace</legend>
          <p class="hint" id="pace-hint">How fast the simulated clock runs; you can change it during the run.</p>
          <div class="paces">
            ${PACES.map(
              (p) =>
                html`<label class="pace" data-testid="pace-${p.id}">
                  <input type="radio" name="pace" value=${String(p.speed)} .checked=${this._speed === p.speed} @change=${this._onPace} />
                  <span class="name">${p.label}${p.speed === DEFAULT_SPEED ? html` <span class="hint">(recommended)</span>` : ''}</span>
                  <span class="hint">${p.hint}</span>
                </label>`,
            )}
          </div>
        </fieldset>
        <fieldset aria-describedby="mode-hint" ?hidden=${this._kind === 'assignment'}>
          <legend>Mode</legend>
          <div class="segmented">
            <label class="kind"><input type="radio" name="mode" value="solo" data-testid="mode-solo" .checked=${this._mode === 'solo'} @change=${this._onMode} /> Solo</label>
            <label class="kind"><input type="radio" name="mode" value="teams" data-testid="mode-teams" .checked=${this._mode === 'teams'} @change=${this._onMode} /> Teams</label>
          </div>
          <p class="hint mode-hint" id="mode-hint">${this._mode === 'solo' ? 'One cluster per student.' : 'Students share a cluster per team.'}</p>
          ${this._mode === 'teams'
            ? html`<div class="field teams-count">
                <label for="team-total">Number of teams</label>
                <input
                  id="team-total"
                  type="number"
                  min="2"
                  max="12"
                  step="1"
                  required
                  data-testid="team-total"
                  .value=${String(this._teams)}
                  @input=${(e: Event) => (this._teams = Number((e.target as HTMLInputElement).value))}
                />
                <span class="hint">Students are spread over these teams as they join; you can move them in the console.</span>
              </div>`
            : ''}
        </fieldset>
        <div class="field checks-switch" ?hidden=${this._kind === 'assignment'}>
          <label class="choice" for="checks-on">
            <input id="checks-on" type="checkbox" role="switch" data-testid="checks-switch" aria-describedby="checks-hint" .checked=${this._checks} @change=${(e: Event) => (this._checks = (e.target as HTMLInputElement).checked)} />
            Concept checks before and after
          </label>
          <span class="hint" id="checks-hint">5 questions in the lobby and 5 after the debrief, never scored: see what the class learnt.</span>
        </div>
        <fieldset>
          <legend>Built-in scenarios</legend>
          <div class="scenarios" data-testid="scenario-list">
            ${this._scenarios.length === 0 && !this._loadError ? html`<p role="status">Loading scenarios…</p>` : ''}
            ${this._scenarios.map(
              (s) =>
                html`<label class="scenario" data-testid="scenario-${s.id}">
                  <input type="radio" name="scenario" value=${s.id} .checked=${this._upload === null && this._choice === s.id} @change=${this._onChoose} />
                  <span class="title">${s.title}</span>
                  <span class="summary">${s.summary}</span>
                  <span class="playtime" data-testid="scenario-playtime">${this._playTime(s.durationS)}</span>
                  <span class="meta">${simulated(s.durationS)} · ${s.hosts} hosts · ${s.apps} apps · id ${s.id}</span>
                </label>`,
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>Or upload your own</legend>
          <div class="field">
            <label for="upload">Scenario file (JSON)</label>
            <input id="upload" type="file" accept="application/json,.json" data-testid="scenario-upload" @change=${this._onFile} />
            <span class="hint">Start from a built-in one: <code>npx clusterclass show tutorial &gt; my.json</code>.</span>
          </div>
          ${this._upload ? html`<p data-testid="upload-selected">Using <strong>${this._upload.name}</strong>${this._uploadDuration() ? html` (${playTime(this._uploadDuration()!, this._speed)})` : ''}. <button type="button" class="small" @click=${this._onClearUpload}>Use a built-in one instead</button></p>` : ''}
        </fieldset>
        ${this._config?.teacherPasscodeRequired
          ? html`<div class="field">
              <label for="passcode">Teacher passcode</label>
              <input
                id="passcode"
                type="password"
                autocomplete="current-password"
                required
                data-testid="passcode"
                .value=${this._passcode}
                @input=${(e: Event) => (this._passcode = (e.target as HTMLInputElement).value)}
              />
              <span class="hint">This server asks for a passcode before it creates a room.</span>
            </div>`
          : ''}
        <div class="create-bar" data-testid="create-bar">
          <div role="alert" class="alert" data-testid="host-error">
            ${this._error
              ? html`<div class="error">
                  <p>${this._error.message}</p>
                  ${this._error.details.length > 0 ? html`<ul class="problems" data-testid="host-error-details">${this._error.details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
                </div>`
              : ''}
          </div>
          <p class="chosen" data-testid="create-summary">${this._chosenText()}</p>
          <button type="submit" class="primary submit" data-testid="create-room" ?disabled=${this._busy || (!this._upload && !this._choice)}>
            ${this._busy ? 'Creating…' : this._kind === 'assignment' ? 'Create the assignment' : 'Create the room'}
          </button>
        </div>
      </form>
      ${this._sessions.length > 0
        ? html`<section class="panel" aria-labelledby="mine-title">
            <h2 id="mine-title">My sessions on this device</h2>
            <ul class="sessions" data-testid="my-sessions">
              ${this._sessions.map(
                (s) =>
                  html`<li>
                    <span><span class="code">${s.code}</span> · ${s.title} · ${new Date(s.createdAt).toLocaleString()}</span>
                    <span class="row">
                      <a class="button small" href="/teach/${s.code}" @click=${followLink}>Open console</a>
                      ${s.replayId ? html`<a class="button small" href="/replay/${s.replayId}" @click=${followLink} data-testid="session-replay">Replay</a>` : ''}
                      <button type="button" class="small" title="Takes it off this list; what the server keeps expires by itself" @click=${() => this._onForget(s.code)}>Forget</button>
                      ${hostToken(s.code)
                        ? html`<button type="button" class="small danger" data-testid="session-delete" aria-label=${`Delete session ${s.code} and all its data`} ?disabled=${this._deleting === s.code} @click=${() => this._onDelete(s)}>
                            ${this._deleting === s.code ? 'Deleting…' : 'Delete'}
                          </button>`
                        : ''}
                    </span>
                  </li>`,
              )}
            </ul>
            ${this._deleteError ? html`<p class="error" role="alert" data-testid="session-delete-error">${this._deleteError}</p>` : ''}
            <cc-confirm-dialog></cc-confirm-dialog>
          </section>`
        : ''}
      <cc-assignment-list></cc-assignment-list>
    </main>`;
  }

  /** The choice so far, in one line beside the Create button: what the teacher is about to open. */
  private _chosenText() {
    const mode = this._kind === 'assignment' ? 'self-paced assignment' : this._mode === 'teams' ? `${Math.min(12, Math.max(2, Math.round(this._teams) || DEFAULT_TEAMS))} teams` : 'solo';
    if (this._upload) {
      const d = this._uploadDuration();
      return html`<strong>${this._upload.name}</strong>${d ? ` · ${this._playTime(d)}` : ''} · ${mode}`;
    }
    const chosen = this._scenarios.find((s) => s.id === this._choice);
    if (!chosen) return 'Pick a scenario.';
    return html`<strong>${chosen.title}</strong> · ${this._playTime(chosen.durationS)} · ${mode}`;
  }

  /** How long it plays at the pace picked; an assignment has no pace of its own. */
  private _playTime(durationS: number): string {
    return this._kind === 'assignment' ? 'each student plays alone, at their own pace' : playTime(durationS, this._speed);
  }

  private _onChoose(e: Event) {
    this._choice = (e.target as HTMLInputElement).value;
    this._upload = null;
    this._error = null;
  }

  private _uploadDuration(): number | null {
    const d = (this._upload?.scenario as { durationS?: unknown } | undefined)?.durationS;
    return typeof d === 'number' && d > 0 ? d : null;
  }

  private _onPace(e: Event) {
    this._speed = Number((e.target as HTMLInputElement).value);
  }

  private _onMode(e: Event) {
    this._mode = (e.target as HTMLInputElement).value === 'teams' ? 'teams' : 'solo';
  }

  private async _onFile(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    this._error = null;
    if (!file) return;
    if (file.size > MAX_UPLOAD_BYTES) {
      this._error = { message: `${file.name} is ${Math.round(file.size / 1024)} KiB; a scenario file may be at most ${MAX_UPLOAD_BYTES / 1024} KiB.`, details: [] };
      input.value = '';
      return;
    }
    try {
      this._upload = { name: file.name, scenario: JSON.parse(await file.text()) as unknown };
    } catch (error) {
      this._upload = null;
      this._error = { message: `${file.name} is not valid JSON.`, details: [(error as Error).message] };
      input.value = '';
    }
  }

  private _onClearUpload() {
    this._upload = null;
    const input = this.renderRoot.querySelector<HTMLInputElement>('#upload');
    if (input) input.value = '';
  }

  private _onForget(code: string) {
    forgetSession(code);
    this._sessions = hostedSessions();
  }

  /** Deletes the session on the server (room, log, replay), then forgets it here. */
  private async _onDelete(session: HostedSession) {
    const token = hostToken(session.code);
    const dialog = this.renderRoot.querySelector<ConfirmDialog>('cc-confirm-dialog');
    if (!token || !dialog) return;
    const sure = await dialog.ask({
      title: `Delete session ${session.code}?`,
      message: 'This deletes everything kept about it: the room (anyone still in it is sent out), every move and answer, and its replay. Reports can no longer be made from it. This cannot be undone.',
      confirm: 'Delete everything',
    });
    if (!sure) return;
    this._deleting = session.code;
    this._deleteError = null;
    try {
      await deleteSession(session.code, token, session.replayId ?? null);
      forgetSession(session.code);
      this._sessions = hostedSessions();
    } catch (error) {
      this._deleteError = `Session ${session.code} was not deleted: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this._deleting = null;
    }
  }

  private async _createAssignment() {
    const settings = this._assignment;
    const problem = settings ? deadlineProblem(settings.deadlineMs) : 'Pick a deadline.';
    if (!settings || problem) {
      this._error = { message: problem ?? 'Pick a deadline.', details: [] };
      return;
    }
    this._busy = true;
    this._error = null;
    try {
      const { id, teacherToken } = await createFrom({ upload: this._upload, choice: this._choice, passcode: this._config?.teacherPasscodeRequired ? this._passcode : null, settings });
      const uploadedTitle = (this._upload?.scenario as { title?: unknown } | undefined)?.title;
      const scenarioTitle = this._upload ? (typeof uploadedTitle === 'string' ? uploadedTitle : this._upload.name) : (this._scenarios.find((s) => s.id === this._choice)?.title ?? this._choice);
      saveAssignmentTeacherToken(id, teacherToken);
      rememberAssignment({ id, title: settings.title || scenarioTitle, deadlineMs: settings.deadlineMs, createdAt: Date.now() });
      navigate(`/assignment/${id}`);
    } catch (error) {
      this._error = error instanceof ApiError ? { message: error.message, details: error.details } : { message: (error as Error).message, details: [] };
    } finally {
      this._busy = false;
    }
  }

  private async _onSubmit(e: Event) {
    e.preventDefault();
    if (this._kind === 'assignment') return this._createAssignment();
    this._busy = true;
    this._error = null;
    try {
      const passcode = this._config?.teacherPasscodeRequired ? { passcode: this._passcode } : {};
      const teams = this._mode === 'teams' ? { teams: Math.min(12, Math.max(2, Math.round(this._teams) || DEFAULT_TEAMS)) } : {};
      const settings = { mode: this._mode, speed: this._speed, ...teams, ...passcode, ...(this._checks ? { checks: true } : {}) };
      const request = this._upload ? { scenario: this._upload.scenario, ...settings } : { scenarioId: this._choice, ...settings };
      const { code, hostToken } = await createRoom(request);
      const uploadedTitle = (this._upload?.scenario as { title?: unknown } | undefined)?.title;
      const title = this._upload
        ? typeof uploadedTitle === 'string' ? uploadedTitle : this._upload.name
        : (this._scenarios.find((s) => s.id === this._choice)?.title ?? this._choice);
      saveHostToken(code, hostToken);
      rememberSession({ code, title, createdAt: Date.now() });
      navigate(`/teach/${code}`);
    } catch (error) {
      this._error = error instanceof ApiError ? { message: error.message, details: error.details } : { message: (error as Error).message, details: [] };
    } finally {
      this._busy = false;
    }
  }
}

/** The assignment branch of the form: the same scenario choice, the assignment's own settings. */
async function createFrom(page: { upload: { scenario: unknown } | null; choice: string; passcode: string | null; settings: AssignmentSettings }) {
  const { deadlineMs, checks, title } = page.settings;
  const source = page.upload ? { scenario: page.upload.scenario } : { scenarioId: page.choice };
  return createAssignment({ ...source, deadlineMs, checks, ...(title ? { title } : {}), ...(page.passcode !== null ? { passcode: page.passcode } : {}) });
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-host-setup-page': HostSetupPage;
  }
}
