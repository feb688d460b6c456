import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AnswerResult, CheckStage, QuestionPrompt } from '../../../shared/learning/types.ts';
import { icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

export interface AnswerDetail {
  readonly questionId: string;
  readonly choice: number;
}

/** Why the check closed: every question answered and Continue pressed, or skipped. */
export interface CheckDoneDetail {
  readonly skipped: boolean;
}

const questions = (n: number) => `${n} quick question${n === 1 ? '' : 's'}`;
const TITLES: Record<CheckStage, (n: number, alone: boolean) => string> = {
  // In a live lobby the class waits for the teacher; alone, the game waits for the student.
  before: (n, alone) => (alone ? `Before you play: ${questions(n)}` : `While you wait: ${questions(n)}`),
  after: (n) => `${n} question${n === 1 ? '' : 's'}: what did you learn?`,
};

/**
 * A concept check, one question at a time: pick a choice, check it, read whether it was right and
 * why, then go on. Untimed and never part of the game's score. It knows nothing of sockets: it
 * asks for an answer with `cc-answer` and shows the results it is given (the first answer to a
 * question is the one kept).
 *
 * @event cc-answer - CustomEvent<AnswerDetail>: the student checks their choice for a question.
 * @event cc-check-done - CustomEvent<CheckDoneDetail>: Continue after the last question, or Skip.
 */
@customElement('cc-concept-check')
export class ConceptCheck extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .card {
        background: var(--cc-surface);
        border: 2px solid var(--cc-accent);
        border-radius: var(--cc-radius);
        padding: 0.9rem 1rem 1rem;
        max-width: 40rem;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: baseline;
        gap: 0.25rem 1rem;
      }
      .head h2 {
        margin: 0;
      }
      .count {
        font-weight: 700;
        color: var(--cc-muted);
        font-variant-numeric: tabular-nums;
      }
      .note {
        color: var(--cc-muted);
        font-size: 0.9rem;
        margin: 0.2rem 0 0.6rem;
      }
      progress {
        width: 100%;
        height: 0.5rem;
        accent-color: var(--cc-accent);
        margin-bottom: 0.75rem;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 0 0 0.75rem;
      }
      legend {
        font-size: 1.1rem;
        font-weight: 700;
        padding: 0;
        margin-bottom: 0.6rem;
        line-height: 1.35;
      }
      legend:focus {
        outline: none;
      }
      legend:focus-visible {
        outline: 3px solid var(--cc-focus);
      }
      .choices {
        display: grid;
        gap: 0.5rem;
      }
      label.option {
        display: flex;
        align-items: center;
        gap: 0.65rem;
        min-height: 3.25rem;
        padding: 0.55rem 0.8rem;
        border: 2px solid var(--cc-border);
        border-radius: 8px;
        font-weight: 500;
        cursor: pointer;
        background: var(--cc-surface);
      }
      label.option:has(input:checked) {
        border-color: var(--cc-accent);
        background: var(--cc-accent-soft);
      }
      label.option:has(input:focus-visible) {
        outline: 3px solid var(--cc-focus);
        outline-offset: 2px;
      }
      label.option.locked {
        cursor: default;
      }
      /* After answering, right and wrong win over "picked" (the marks beside them say it in words). */
      label.option.right,
      label.option.right:has(input:checked) {
        border-color: var(--cc-ok);
        background: var(--cc-ok-soft);
      }
      label.option.wrong,
      label.option.wrong:has(input:checked) {
        border-color: var(--cc-danger);
        background: var(--cc-danger-soft);
      }
      .option .text {
        flex: 1;
      }
      /* Under the choice's words, so a long choice keeps the card's width on a phone. */
      .mark {
        font-weight: 700;
        font-size: 0.85rem;
        display: flex;
        margin-top: 0.15rem;
        align-items: center;
        gap: 0.25em;
      }
      .right .mark {
        color: var(--cc-ok);
      }
      .wrong .mark {
        color: var(--cc-danger);
      }
      input[type='radio'] {
        width: 1.35rem;
        height: 1.35rem;
      }
      .result {
        border-radius: 8px;
        padding: 0.6rem 0.8rem;
        margin: 0 0 0.75rem;
        border-left: 6px solid;
      }
      .result.right {
        border-color: var(--cc-ok);
        background: var(--cc-ok-soft);
      }
      .result.wrong {
        border-color: var(--cc-danger);
        background: var(--cc-danger-soft);
      }
      .result .verdict {
        font-weight: 700;
        font-size: 1.1rem;
        display: flex;
        align-items: center;
        gap: 0.4rem;
        margin-bottom: 0.3rem;
      }
      .result p:last-child {
        margin-bottom: 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: center;
        justify-content: space-between;
      }
      .actions .primary {
        min-height: 3rem;
        padding: 0.5em 1.4em;
        font-size: 1.05rem;
      }
      button.skip {
        border-color: transparent;
        background: transparent;
        color: var(--cc-muted);
        font-weight: 500;
        text-decoration: underline;
      }
      .summary {
        font-size: 1.1rem;
      }
    `,
  ];

  @property() stage: CheckStage = 'before';
  @property({ attribute: false }) questions: readonly QuestionPrompt[] = [];
  @property({ attribute: false }) results: readonly AnswerResult[] = [];
  /** An answer is on its way: no second one until it is back. */
  @property({ type: Boolean }) busy = false;
  /** A self-paced attempt: nobody else is waiting, so the titles do not say "while you wait". */
  @property({ type: Boolean }) alone = false;

  /** The question shown (an index into `questions`); questions.length shows the summary. */
  @state() private _at: number | null = null;
  /** The choice picked for the shown question, before it is checked. */
  @state() private _picked: number | null = null;
  /** Focus the question's text after moving on, so a screen reader reads it. */
  private _focusQuestion = false;

  private _result(questionId: string): AnswerResult | undefined {
    return this.results.find((r) => r.questionId === questionId);
  }

  /** The first question not answered yet (questions.length when all are). */
  private _firstOpen(): number {
    const i = this.questions.findIndex((q) => !this._result(q.id));
    return i === -1 ? this.questions.length : i;
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // A new check (another stage, another room): start at its first open question.
    if (changed.has('questions') || changed.has('stage')) {
      const previous = changed.get('questions') as readonly QuestionPrompt[] | undefined;
      const same = previous && previous.length === this.questions.length && previous.every((q, i) => q.id === this.questions[i]!.id);
      if (!same || changed.has('stage')) {
        this._at = null;
        this._picked = null;
      }
    }
    if (this._at === null && this.questions.length > 0) this._at = this._firstOpen();
  }

  protected override updated(): void {
    if (!this._focusQuestion) return;
    this._focusQuestion = false;
    this.renderRoot.querySelector<HTMLElement>('[data-focus]')?.focus();
  }

  override render() {
    const total = this.questions.length;
    if (total === 0 || this._at === null) return nothing;
    const answered = this.questions.filter((q) => this._result(q.id)).length;
    return html`<section class="card" aria-labelledby="check-title" data-testid="concept-check" data-stage=${this.stage}>
      <div class="head">
        <h2 id="check-title">${TITLES[this.stage](total, this.alone)}</h2>
        ${this._at < total ? html`<span class="count" data-testid="check-count">${this._at + 1} of ${total}</span>` : nothing}
      </div>
      <p class="note">Not part of your score, no timer: take your time.</p>
      <progress max=${total} value=${answered} aria-label="Questions answered: ${answered} of ${total}"></progress>
      ${this._at < total ? this._renderQuestion(this._at) : this._renderSummary()}
    </section>`;
  }

  private _renderQuestion(at: number) {
    const q = this.questions[at]!;
    const result = this._result(q.id);
    const last = at === this.questions.length - 1;
    const chosen = result ? result.choice : this._picked;
    return html`<form @submit=${this._onCheck} data-testid="check-question" data-question=${q.id}>
        <fieldset ?disabled=${this.busy && !result}>
          <legend tabindex="-1" data-focus data-testid="check-prompt">${q.kind === 'true-false' ? html`True or false? ` : nothing}${q.prompt}</legend>
          <div class="choices">
            ${q.choices.map((text, i) => {
              const tone = result ? (i === result.answer ? 'right' : i === result.choice ? 'wrong' : '') : '';
              return html`<label class="option ${result ? 'locked' : ''} ${tone}" data-testid="check-choice">
                <input type="radio" name="choice" .value=${String(i)} .checked=${chosen === i} ?disabled=${!!result} @change=${() => (this._picked = i)} />
                <span class="text"
                  >${text}
                  ${result && i === result.answer
                    ? html`<span class="mark">${icon('check')} ${i === result.choice ? 'Your answer: right' : 'Right answer'}</span>`
                    : result && i === result.choice
                      ? html`<span class="mark">${icon('cross')} Your answer</span>`
                      : nothing}</span
                >
              </label>`;
            })}
          </div>
        </fieldset>
        ${result
          ? html`<div class="result ${result.correct ? 'right' : 'wrong'}" role="status" data-testid="check-result" data-correct=${String(result.correct)}>
              <p class="verdict">${icon(result.correct ? 'check' : 'cross')} ${result.correct ? 'Right!' : 'Not quite.'}</p>
              ${result.correct ? nothing : html`<p>The answer is: <strong>${this.questions[at]!.choices[result.answer] ?? ''}</strong></p>`}
              <p data-testid="check-explanation">${result.explanation}</p>
            </div>`
          : nothing}
        <div class="actions">
          ${result
            ? html`<button type="button" class="primary" data-testid="check-next" @click=${this._onNext}>${last ? 'See how you did' : 'Next question'}</button>`
            : html`<button type="submit" class="primary" data-testid="check-submit" ?disabled=${this._picked === null || this.busy}>${this.busy ? 'Checking…' : 'Check my answer'}</button>`}
          <button type="button" class="skip" data-testid="check-skip" @click=${this._onSkip}>Skip the questions</button>
        </div>
      </form>`;
  }

  private _renderSummary() {
    const right = this.results.filter((r) => this.questions.some((q) => q.id === r.questionId) && r.correct).length;
    const total = this.questions.length;
    return html`<p class="summary" role="status" data-testid="check-summary" data-focus tabindex="-1">
        You got <strong>${right} of ${total}</strong> right. ${this.stage === 'before' ? 'The game will show you more about each of these ideas.' : 'Thanks for answering!'}
      </p>
      <div class="actions">
        <button type="button" class="primary" data-testid="check-continue" @click=${this._onContinue}>Continue</button>
      </div>`;
  }

  private _onCheck(e: SubmitEvent) {
    e.preventDefault();
    const q = this.questions[this._at ?? -1];
    if (!q || this._picked === null || this.busy || this._result(q.id)) return;
    this.dispatchEvent(new CustomEvent<AnswerDetail>('cc-answer', { detail: { questionId: q.id, choice: this._picked }, bubbles: true, composed: true }));
  }

  private _onNext() {
    const at = this._at ?? 0;
    // The next question not answered yet after this one, else the summary.
    const rest = this.questions.findIndex((q, i) => i > at && !this._result(q.id));
    this._at = rest === -1 ? this._firstOpen() : rest;
    this._picked = null;
    this._focusQuestion = true;
  }

  private _onContinue() {
    this.dispatchEvent(new CustomEvent<CheckDoneDetail>('cc-check-done', { detail: { skipped: false }, bubbles: true, composed: true }));
  }

  private _onSkip() {
    this.dispatchEvent(new CustomEvent<CheckDoneDetail>('cc-check-done', { detail: { skipped: true }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-concept-check': ConceptCheck;
  }
  interface HTMLElementEventMap {
    'cc-answer': CustomEvent<AnswerDetail>;
    'cc-check-done': CustomEvent<CheckDoneDetail>;
  }
}
