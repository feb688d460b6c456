import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { clockText } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

/**
 * Score over time for the class average and one cluster, drawn by uPlot, with a line at the second
 * the replay shows and a dashed one at each event. A canvas says nothing to a screen reader, so the
 * figure has a name and a sentence with the numbers that matter.
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
      /* Drawn over uPlot's plotting area (its "over" layer), positioned in its CSS pixels. */
      .now,
      .event {
        position: absolute;
        top: 0;
        bottom: 0;
        pointer-events: none;
      }
      .now {
        width: 0;
        border-left: 3px solid var(--cc-text, #111827);
      }
      .now span {
        position: absolute;
        top: 0;
        left: 4px;
        padding: 0 0.25em;
        font-size: 0.8rem;
        font-weight: 700;
        white-space: nowrap;
        background: var(--cc-surface, #fff);
        border-radius: 4px;
      }
      .now.flip span {
        left: auto;
        right: 4px;
      }
      .event {
        width: 0;
        border-left: 2px dashed var(--cc-danger, #b3261e);
      }
      .key {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        margin: 0.25rem 0;
        font-size: 0.9rem;
      }
      .key span::before {
        content: '';
        display: inline-block;
        width: 1.2em;
        margin-right: 0.35em;
        vertical-align: middle;
      }
      .key .k-avg::before {
        border-top: 2px dashed #4a5262;
      }
      .key .k-sel::before {
        border-top: 3px solid #1f4fa8;
      }
      .key .k-now::before {
        border-left: 3px solid var(--cc-text, #111827);
        height: 1em;
        width: 0;
      }
      .key .k-event::before {
        border-left: 2px dashed var(--cc-danger, #b3261e);
        height: 1em;
        width: 0;
      }
    `,
  ];

  @property({ attribute: false }) average: readonly number[] = [];
  @property({ attribute: false }) selected: readonly (number | undefined)[] = [];
  @property() selectedName = '';
  @property({ type: Number }) timeS = 0;
  /** The seconds events fired at, marked on the chart. */
  @property({ attribute: false }) events: readonly number[] = [];

  private _plot: uPlot | null = null;
  private _now: HTMLElement | null = null;
  private _eventMarks: HTMLElement[] = [];
  private _resize = new ResizeObserver(() => this._fit());

  override disconnectedCallback(): void {
    this._resize.disconnect();
    this._plot?.destroy();
    this._plot = null;
    this._now = null;
    this._eventMarks = [];
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
    return html`<figure aria-labelledby="chart-title" data-testid="replay-chart">
      <h3 id="chart-title">Score over time: class average and ${this.selectedName || 'no one selected'}</h3>
      <div class="plot" role="img" aria-label="Line chart of score over time; the numbers follow in the text below."></div>
      <p class="key" aria-hidden="true">
        <span class="k-avg">class average</span>${this.selectedName ? html`<span class="k-sel">${this.selectedName}</span>` : ''}<span class="k-now"
          >the second shown (${clockText(at)})</span
        >${this.events.length > 0 ? html`<span class="k-event">an event</span>` : ''}
      </p>
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
          axes: [{ label: 'game time (min:s)', values: (_u, ticks) => ticks.map((t) => clockText(t)) }, { label: 'score' }],
          // The key below the chart is the page's own: uPlot's shows "--" until hovered (a phone never
          // hovers) and draws a dashed line as a plain square.
          legend: { show: false },
          series: [
            { label: 'Second', value: (_u, v) => (v == null ? '--' : clockText(v)) },
            { label: 'Class average', stroke: '#4a5262', width: 2, dash: [6, 4], points: { show: false } },
            { label: 'Selected player', stroke: '#1f4fa8', width: 2, points: { show: false } },
          ],
          cursor: { show: true },
          // Sizes and scales change the plotting area's pixels: put the markers where they belong again.
          hooks: { ready: [() => this._mark()], setSize: [() => this._mark()], setScale: [() => this._mark()] },
        },
        this._data(),
        el,
      );
      this._resize.observe(el);
    } else if (changed.has('average') || changed.has('selected')) {
      this._plot.setData(this._data());
    }
    if (changed.has('timeS') || changed.has('events')) this._mark();
  }

  /** The line at the second shown and the dashed lines at events, in the plot's "over" layer. */
  private _mark() {
    const plot = this._plot;
    if (!plot) return;
    const last = Math.max(0, this.average.length - 1);
    const at = Math.min(Math.max(0, Math.floor(this.timeS)), last);
    if (!this._now) {
      this._now = document.createElement('div');
      this._now.className = 'now';
      this._now.dataset.testid = 'replay-chart-now';
      this._now.append(document.createElement('span'));
      plot.over.append(this._now);
    }
    const x = plot.valToPos(at, 'x');
    this._now.style.left = `${x}px`;
    this._now.dataset.second = String(at);
    // Near the right edge the label goes on the line's left, so it is never cut off.
    this._now.classList.toggle('flip', x > plot.over.clientWidth - 60);
    this._now.firstElementChild!.textContent = clockText(at);
    for (const mark of this._eventMarks) mark.remove();
    this._eventMarks = this.events.map((atS) => {
      const mark = document.createElement('div');
      mark.className = 'event';
      mark.style.left = `${plot.valToPos(atS, 'x')}px`;
      plot.over.append(mark);
      return mark;
    });
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
