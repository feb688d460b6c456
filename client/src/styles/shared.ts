import { css } from 'lit';

/** Native controls styled once for every shadow root: buttons, fields, panels, tables, focus. */
export const base = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :host {
    font-family: var(--cc-font);
    color: var(--cc-text);
  }
  .icon {
    width: 1.1em;
    height: 1.1em;
    vertical-align: -0.2em;
    flex: none;
  }
  [hidden] {
    display: none !important;
  }
  h1,
  h2,
  h3 {
    line-height: 1.2;
    margin: 0 0 0.5em;
  }
  h1 {
    font-size: 1.6rem;
  }
  h2 {
    font-size: 1.15rem;
  }
  h3 {
    font-size: 1rem;
  }
  p {
    margin: 0 0 0.6em;
  }
  a {
    color: var(--cc-accent);
  }
  :focus-visible {
    outline: 3px solid var(--cc-focus);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    border-radius: 6px;
    border: 2px solid var(--cc-accent);
    background: var(--cc-surface);
    color: var(--cc-accent);
    padding: 0.4em 0.9em;
    min-height: 2.5rem;
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35em;
  }
  button.primary,
  .button.primary {
    background: var(--cc-accent);
    color: var(--cc-accent-text);
  }
  button.danger {
    border-color: var(--cc-danger);
    color: var(--cc-danger);
  }
  button.danger.primary {
    background: var(--cc-danger);
    color: #fff;
  }
  button.small {
    min-height: 2rem;
    padding: 0.15em 0.55em;
    font-size: 0.875rem;
  }
  button:disabled {
    border-color: var(--cc-border);
    color: var(--cc-muted);
    background: var(--cc-surface-2);
    cursor: not-allowed;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--cc-text);
    background: var(--cc-surface);
    border: 2px solid var(--cc-border);
    border-radius: 6px;
    padding: 0.35em 0.5em;
    min-height: 2.5rem;
    max-width: 100%;
  }
  input[type='radio'],
  input[type='checkbox'] {
    min-height: auto;
    width: 1.15rem;
    height: 1.15rem;
    accent-color: var(--cc-accent);
  }
  label {
    font-weight: 600;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    margin-bottom: 0.75rem;
  }
  .hint {
    color: var(--cc-muted);
    font-size: 0.875rem;
    font-weight: 400;
  }
  .panel {
    background: var(--cc-surface);
    border: 1px solid var(--cc-border);
    border-radius: var(--cc-radius);
    padding: 0.9rem 1rem;
  }
  .error {
    color: var(--cc-danger);
    background: var(--cc-danger-soft);
    border: 1px solid var(--cc-danger);
    border-radius: 6px;
    padding: 0.5rem 0.75rem;
  }
  .visually-hidden {
    position: absolute;
    /* Pinned, so an off-screen static position (say, deep in a scrolled table) cannot widen the page. */
    top: 0;
    left: 0;
    margin: -1px;
    padding: 0;
    border: 0;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.3rem 0.5rem;
    border-bottom: 1px solid var(--cc-surface-2);
    vertical-align: top;
  }
  thead th {
    font-size: 0.8rem;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    color: var(--cc-muted);
  }
  tbody th {
    font-weight: 600;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  dialog {
    border: 1px solid var(--cc-border);
    border-radius: var(--cc-radius);
    padding: 1rem 1.25rem;
    max-width: min(34rem, calc(100vw - 1.5rem));
    width: 100%;
    color: var(--cc-text);
    background: var(--cc-surface);
  }
  dialog::backdrop {
    background: rgb(10 14 22 / 55%);
  }
  fieldset {
    /* Fieldsets default to min-width: min-content, which lets a file input widen a phone page. */
    min-width: 0;
    border: 1px solid var(--cc-border);
    border-radius: 6px;
    margin: 0 0 0.75rem;
    padding: 0.5rem 0.75rem 0.6rem;
  }
  legend {
    font-weight: 700;
    padding: 0 0.25rem;
  }
  .choice {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
    font-weight: 400;
    padding: 0.2rem 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
`;

/** A page-level message (an error, "joining…") centred in the viewport. */
export const notice = css`
  .notice {
    max-width: 40rem;
    width: calc(100% - 2rem);
    margin: 15vh auto 0;
  }
`;

/**
 * A student's start form (joining a room, starting an assignment): a nickname input with its
 * Suggest button beside it, a refusal above, and a wide submit button.
 */
export const nicknameForm = css`
  .nick {
    display: flex;
    gap: 0.5rem;
  }
  .nick input {
    flex: 1;
    min-width: 0;
  }
  /* A thumb-sized target on a phone (WCAG 2.5.8 asks 24 px; 44 px is comfortable). */
  .nick input,
  .nick button {
    min-height: 2.75rem;
  }
  button.wide {
    width: 100%;
    font-size: 1.15rem;
    min-height: 3rem;
  }
  .error {
    margin-bottom: 0.75rem;
  }
`;

/** A dialog that details one thing: a term–value list, and groups of settings under a rule. */
export const detailDialog = css`
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.2rem 0.8rem;
    margin: 0 0 0.75rem;
  }
  dt {
    font-weight: 700;
  }
  dd {
    margin: 0;
  }
  .group {
    border-top: 1px solid var(--cc-border);
    padding-top: 0.6rem;
    margin-top: 0.6rem;
  }
  .group h3 {
    margin-bottom: 0.3rem;
  }
`;
