import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { NICKNAME_MAX } from '../lib/protocol.ts';
import { ApiError, getRoom } from '../lib/api.ts';
import { suggestNickname } from '../lib/names.ts';
import { ROOM_CODE, followLink, navigate, normaliseCode } from '../lib/router.ts';
import { resumeToken, saveNickname, savedNickname, takeJoinError } from '../lib/storage.ts';
import { base, nicknameForm } from '../styles/shared.ts';

/** `/` and `/join/CODE`: join a room with its code and a nickname, or go and host one. */
@customElement('cc-landing-page')
export class LandingPage extends LitElement {
  static override styles = [
    base,
    nicknameForm,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      main {
        max-width: 34rem;
        margin: 0 auto;
        padding: 2rem 1rem 3rem;
      }
      .brand {
        font-size: 2.2rem;
        font-weight: 800;
        letter-spacing: -0.02em;
        margin: 0;
      }
      .tagline {
        color: var(--cc-muted);
        margin-bottom: 1.5rem;
      }
      input.code {
        font-family: var(--cc-mono);
        font-size: 1.6rem;
        letter-spacing: 0.25em;
        text-transform: uppercase;
        text-align: center;
      }
      .host {
        margin-top: 1.5rem;
        text-align: center;
      }
    `,
  ];

  /** A code from a /join/CODE link. */
  @property() code: string | null = null;
  @state() private _code = '';
  @state() private _nickname = '';
  @state() private _error: string | null = null;
  @state() private _busy = false;
  /** Said to screen readers when Suggest fills the nickname in (focus stays on the button). */
  @state() private _suggested = '';
  @query('#nickname') private _nickInput!: HTMLInputElement;
  @query('#code') private _codeInput!: HTMLInputElement;

  override connectedCallback(): void {
    super.connectedCallback();
    this._nickname = savedNickname();
    this._error = takeJoinError();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // Properties set before a lazily loaded element upgrades arrive with its first update.
    if (changed.has('code') && this.code) this._code = this.code;
  }

  override firstUpdated(): void {
    // Arriving from a join link (or back from a refused nickname): the code is known, the name is next.
    if (this.code) this._nickInput.focus();
  }

  override render() {
    return html`<main>
      <h1 class="brand">ClusterClass</h1>
      <p class="tagline">A live classroom game about virtual machines and containers.</p>
      <form class="panel" @submit=${this._onSubmit} novalidate aria-labelledby="join-title" data-testid="join-form">
        <h2 id="join-title">Join a session</h2>
        ${this._error ? html`<p class="error" role="alert" data-testid="join-error">${this._error}</p>` : ''}
        <div class="field">
          <label for="code">Room code</label>
          <input
            id="code"
            class="code"
            data-testid="join-code"
            inputmode="text"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck="false"
            maxlength="8"
            required
            aria-describedby="code-hint"
            .value=${this._code}
            @input=${this._onCode}
          />
          <span class="hint" id="code-hint">6 letters and digits, shown on your teacher's screen.</span>
        </div>
        <div class="field">
          <label for="nickname">Nickname</label>
          <div class="nick">
            <input
              id="nickname"
              data-testid="join-nickname"
              autocomplete="nickname"
              maxlength=${NICKNAME_MAX}
              required
              aria-describedby="nick-hint"
              .value=${this._nickname}
              @input=${this._onNickname}
            />
            <button type="button" data-testid="suggest-nickname" @click=${this._onSuggest}>Suggest</button>
          </div>
          <span class="hint" id="nick-hint">1 to ${NICKNAME_MAX} characters; the class will see it.</span>
          <span class="visually-hidden" role="status" data-testid="suggested-nickname">${this._suggested ? `Suggested nickname: ${this._suggested}` : ''}</span>
        </div>
        <button type="submit" class="primary wide" data-testid="join-submit" ?disabled=${this._busy}>${this._busy ? 'Checking…' : 'Join'}</button>
      </form>
      <p class="host">Teaching? <a href="/host" data-testid="host-link" @click=${followLink}>Host a session</a></p>
    </main>`;
  }

  private _onCode(e: Event) {
    const input = e.target as HTMLInputElement;
    const code = normaliseCode(input.value).slice(0, 6);
    this._code = code;
    input.value = code;
  }

  private _onNickname(e: Event) {
    this._nickname = (e.target as HTMLInputElement).value;
  }

  private async _onSuggest() {
    // With a code typed in (or from a join link), the server suggests a name nobody there has.
    const code = normaliseCode(this._code);
    this._nickname = await suggestNickname(ROOM_CODE.test(code) ? code : undefined);
    this._suggested = this._nickname;
  }

  private async _onSubmit(e: Event) {
    e.preventDefault();
    const code = normaliseCode(this._code);
    const nickname = this._nickname.trim();
    if (!ROOM_CODE.test(code)) {
      this._error = 'A room code is 6 letters and digits.';
      this._codeInput.focus();
      return;
    }
    if (nickname.length < 1 || nickname.length > NICKNAME_MAX) {
      this._error = `Pick a nickname of 1 to ${NICKNAME_MAX} characters.`;
      this._nickInput.focus();
      return;
    }
    this._busy = true;
    this._error = null;
    try {
      const room = await getRoom(code);
      if (room.locked && !resumeToken(code)) {
        this._error = 'This session is locked: ask your teacher to let you in.';
        return;
      }
      if (room.phase === 'ended') {
        this._error = 'This session has already ended.';
        return;
      }
      saveNickname(nickname);
      navigate(`/play/${code}`);
    } catch (error) {
      this._error = error instanceof ApiError && error.status === 404 ? `There is no session with the code ${code}. Check the code on your teacher's screen.` : (error as Error).message;
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-landing-page': LandingPage;
  }
}
