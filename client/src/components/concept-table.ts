import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TeacherView } from '../../../shared/views/types.ts';
import { base } from '../styles/shared.ts';
import './concept-tag.ts';

/** The ideas the class gets wrong, most often first: refused placements and incidents per concept. */
@customElement('cc-concept-table')
export class ConceptTable extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .empty {
        color: var(--cc-muted);
      }
    `,
  ];

  @property({ attribute: false }) concepts: TeacherView['concepts'] = [];

  override render() {
    if (this.concepts.length === 0) return html`<p class="empty">No refusals or incidents yet.</p>`;
    return html`<table data-testid="concepts">
      <caption class="visually-hidden">Concepts behind the class's refusals and incidents</caption>
      <thead>
        <tr>
          <th scope="col">Concept</th>
          <th scope="col" class="num">Refusals</th>
          <th scope="col" class="num">Incidents</th>
        </tr>
      </thead>
      <tbody>
        ${this.concepts.map(
          (c) =>
            html`<tr data-testid="concept-row" data-concept=${c.concept}>
              <th scope="row"><cc-concept-tag concept=${c.concept}></cc-concept-tag></th>
              <td class="num" data-testid="concept-rejections">${c.rejections}</td>
              <td class="num" data-testid="concept-incidents">${c.incidents}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-concept-table': ConceptTable;
  }
}
