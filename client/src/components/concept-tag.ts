import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { conceptInfo } from '../lib/concepts.ts';
import { CONCEPT_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

/**
 * A concept the game teaches, as a tag a student can open for a plain-language explanation.
 * With `explained`, the explanation is shown inline instead.
 */
@customElement('cc-concept-tag')
export class ConceptTag extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: inline-block;
        vertical-align: baseline;
        max-width: 100%;
      }
      .tag {
        display: inline-flex;
        gap: 0.3em;
        align-items: center;
        border: 1px solid var(--cc-accent);
        background: var(--cc-accent-soft);
        color: var(--cc-accent);
        border-radius: 999px;
        padding: 0 0.6em;
        font-size: 0.85em;
        font-weight: 700;
        white-space: nowrap;
      }
      summary {
        cursor: pointer;
        list-style: none;
        display: inline;
      }
      summary::-webkit-details-marker {
        display: none;
      }
      summary .more {
        font-weight: 400;
        text-decoration: underline;
      }
      .explain {
        margin: 0.35em 0 0;
        font-size: 0.9em;
        color: var(--cc-text);
        max-width: 40em;
      }
    `,
  ];

  @property() concept = '';
  @property({ type: Boolean }) explained = false;

  override render() {
    const info = conceptInfo(this.concept);
    const tag = html`<span class="tag" data-testid="concept-tag" data-concept=${this.concept}
      >${icon(CONCEPT_ICON[this.concept] ?? 'kernel')}${info.label}</span
    >`;
    if (this.explained) return html`${tag}<p class="explain">${info.explain}</p>`;
    return html`<details>
      <summary>${tag} <span class="more hint">why?</span></summary>
      <p class="explain">${info.explain}</p>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-concept-tag': ConceptTag;
  }
}
