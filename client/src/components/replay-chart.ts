import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { clockText } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

/**
 * Score over time for the class average and one cluster, drawn by uPlot. A canvas says nothing to
 * a screen reader, so the figure has a name and a sentence with the numbers that matter.
 */
@customElement('cc-replay-chart')
export class ReplayChart extends LitElement {
  static override styles = [
    base,
    unsafeCSS(uPlotCss),
    css`
      :host {
        display: block;
      }
      figure {
        margin: 0;
      }
      .plot {
        min-height: 200px;
      }
      figcaption {
        color: var(--cc-muted);
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) average: readonly number[] = [];
  @property({ attribute: false }) selected: readonly (number | undefined)[] = [];
  @property() selectedName = '';
  @property({ type: Number }) timeS = 0;

  private _plot: uPlot | null = null;
  private _resize = new ResizeObserver(() => this._fit());

  override disconnectedCallback(): void {
    this._resize.disconnect();
    this._plot?.destroy();
    this._plot = null;
    super.disconnectedCallback();
  }

  override render() {
    const last = this.average.length - 1;
    const at = Math.min(Math.max(0, Math.floor(this.timeS)), Math.max(0, last));
    const avg = this.average[at];
    const mine = this.selected[at];
    const summary =
      last < 0
        ? 'No scores recorded.'
        : `At ${clockText(at)} the class average is ${fmt(avg)}${this.selectedName ? ` and ${this.selectedName} has ${fmt(mine)}` : ''}. ` +
          `At the end (${clockText(last)}) the class average is ${fmt(this.average[last])}${this.selectedName ? ` and ${this.selectedName} has ${fmt(this.selected[last])}` : ''}.`;
    return html`<figure role="group" aria-labelledby="chart-title" data-testid="replay-chart">
      <h3 id="chart-title">Score over time: class average and ${this.selectedName || 'no one selected'}</h3>
      <div class="plot" role="img" aria-label="Line chart of score over time; the numbers follow in the text below."></div>
      <figcaption data-testid="replay-chart-summary">${summary}</figcaption>
    </figure>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const el = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (!el) return;
    if (!this._plot) {
      this._plot = new uPlot(
        {
          width: Math.max(240, el.clientWidth),
          height: 220,
          scales: { x: { time: false } },
          axes: [{ label: 'second', values: (_u, ticks) => ticks.map((t) => clockText(t)) }, { label: 'score' }],
          series: [
            { label: 'Second', value: (_u, v) => (v == null ? '--' : clockText(v)) },
            { label: 'Class average', stroke: '#4a5262', width: 2, dash: [6, 4], points: { show: false } },
            { label: 'Selected player', stroke: '#1f4fa8', width: 2, points: { show: false } },
          ],
          cursor: { show: true },
        },
        this._data(),
        el,
      );
      this._resize.observe(el);
    } else if (changed.has('average') || changed.has('selected')) {
      this._plot.setData(this._data());
    }
  }

  private _data(): uPlot.AlignedData {
    const xs = this.average.map((_, i) => i);
    return [xs, [...this.average], xs.map((i) => this.selected[i] ?? null)];
  }

  private _fit() {
    const el = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (el && this._plot) this._plot.setSize({ width: Math.max(240, el.clientWidth), height: 220 });
  }
}

const fmt = (x: number | undefined): string => (x === undefined ? 'no score' : (Math.round(x * 10) / 10).toString());

declare global {
  interface HTMLElementTagNameMap {
    'cc-replay-chart': ReplayChart;
  }
}
