import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { InstanceView } from '../../../shared/views/types.ts';
import { emit } from '../lib/events.ts';
import { CPU_WEIGHT } from '../../../shared/engine/topology.ts';
import { RUNTIME_LABEL, STATUS_LABEL, miB, pct, percent, realLeft } from '../lib/format.ts';
import { RUNTIME_ICON, STATUS_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

/**
 * One app instance: a container, a microVM, or the app inside its own VM. Its state is shown as
 * an icon and a word as well as a colour, with its cgroup settings (CPU limit and weight, memory
 * limit), OOM kills and volume when it has them. Clicking it opens its details and controls.
 *
 * @fires cc-inspect - the player wants this instance's details
 */
@customElement('cc-instance-chip')
export class InstanceChip extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: inline-block;
        max-width: 100%;
      }
      .chip {
        display: inline-flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.1em 0.45em;
        min-height: 2.25rem;
        max-width: 100%;
        padding: 0.2em 0.6em;
        font: inherit;
        font-size: 0.875rem;
        font-weight: 400;
        text-align: left;
        justify-content: flex-start;
        color: var(--cc-text);
        border: 2px solid var(--c, var(--cc-border));
        border-left-width: 6px;
        background: var(--bg, var(--cc-surface));
        border-radius: 999px;
        cursor: default;
      }
      button.chip {
        cursor: pointer;
      }
      .chip.microvm {
        border-radius: 4px;
        border-style: double;
        border-width: 4px 4px 4px 6px;
      }
      .chip.vm {
        border-radius: 4px;
      }
      .name {
        font-weight: 700;
        overflow-wrap: anywhere;
      }
      .kind,
      .extra {
        font-size: 0.8em;
        color: var(--cc-muted);
      }
      .alert {
        font-size: 0.8em;
        font-weight: 700;
        color: var(--cc-danger);
        white-space: nowrap;
      }
      .status {
        font-weight: 700;
        color: var(--c);
        white-space: nowrap;
      }
      .running {
        --c: var(--cc-ok);
        --bg: var(--cc-ok-soft);
      }
      .booting,
      .pulling {
        --c: var(--cc-info);
        --bg: var(--cc-info-soft);
      }
      .overloaded {
        --c: var(--cc-warn);
        --bg: var(--cc-warn-soft);
      }
      .down {
        --c: var(--cc-off);
        --bg: var(--cc-off-soft);
        border-style: dashed;
      }
      .breached {
        --c: var(--cc-danger);
        --bg: var(--cc-danger-soft);
      }
      .breached .name {
        text-decoration: line-through;
        text-decoration-thickness: 2px;
      }
      /* Motion says "it landed" and "it was breached"; the words and icons say it without motion. */
      @media (prefers-reduced-motion: no-preference) {
        .chip.landed {
          animation: cc-land 0.45s cubic-bezier(0.2, 1.4, 0.4, 1);
        }
        .chip.breached {
          animation: cc-breach 0.6s ease-in-out 3;
        }
      }
      @keyframes cc-land {
        from {
          transform: translateY(-0.6rem) scale(0.85);
          opacity: 0;
        }
      }
      @keyframes cc-breach {
        50% {
          background: var(--cc-danger);
          color: #fff;
        }
      }
    `,
  ];

  @property({ attribute: false }) instance!: InstanceView;
  @property() appName = '';
  @property({ type: Boolean }) readonly = false;
  @property({ type: Number }) timeS = 0;
  @property({ type: Number }) speed = 0;
  @property() phase = 'running';
  /** It just appeared on the board: it lands with a short pop (set on its first render only). */
  @property({ type: Boolean }) fresh = false;
  private _landed: boolean | null = null;

  override render() {
    const i = this.instance;
    this._landed ??= this.fresh;
    // Only a clock that runs (or will) counts down: after the run nothing is coming.
    const starting = (i.status === 'pulling' || i.status === 'booting') && this.phase !== 'debrief' && this.phase !== 'ended';
    const content = html`<span class="kind">${icon(RUNTIME_ICON[i.runtime] ?? 'container')} ${RUNTIME_LABEL[i.runtime]}</span>
      <span class="name">${this.appName || 'App'}</span>
      <span class="status" data-testid="instance-status">${icon(STATUS_ICON[i.status] ?? 'warning')} ${STATUS_LABEL[i.status] ?? i.status}</span>
      ${starting
        ? html`<span class="extra" data-testid="instance-left"
            >${this.phase === 'lobby' ? 'starts with the clock' : `ready in ${realLeft(i.readyAtS, this.timeS, this.speed)}${this.phase === 'paused' ? ', paused' : ''}`}</span
          >`
        : ''}
      ${i.oomKills > 0 ? html`<span class="alert" data-testid="instance-oom">${icon('oom')} OOM-killed ×${i.oomKills}</span>` : ''}
      ${i.status === 'overloaded'
        ? html`<span class="extra">${i.perf < 0.995 ? `gets ${pct(i.perf)} of its CPU` : 'more demand than its replicas serve'}</span>`
        : ''}
      ${i.runtime === 'microvm' && i.stealPct > 0 ? html`<span class="extra">steal ${percent(i.stealPct)}</span>` : ''}
      ${i.cpuLimit !== null ? html`<span class="extra">limit ${i.cpuLimit} CPU</span>` : ''}
      ${i.cpuWeight !== CPU_WEIGHT.default ? html`<span class="extra" data-testid="instance-weight">weight ${i.cpuWeight}</span>` : ''}
      ${i.memoryLimitMiB !== null ? html`<span class="extra">memory limit ${miB(i.memoryLimitMiB)}</span>` : ''}
      ${i.volume
        ? html`<span class="extra" data-testid="instance-volume" data-backup=${String(i.volume.backup)}
            >${icon(i.volume.backup ? 'backup' : 'database')} ${i.volume.backup ? 'volume, backed up' : 'volume, no backup'}</span
          >`
        : ''}`;
    const cls = `chip ${i.runtime} ${i.status} ${this._landed ? 'landed' : ''}`;
    if (this.readonly)
      return html`<span class=${cls} data-testid="instance" data-instance=${i.id} data-app=${i.appId} data-status=${i.status} data-runtime=${i.runtime}
        >${content}</span
      >`;
    return html`<button
      type="button"
      class=${cls}
      data-testid="instance"
      data-instance=${i.id}
      data-app=${i.appId}
      data-status=${i.status}
      data-runtime=${i.runtime}
      data-oom-kills=${i.oomKills}
      aria-haspopup="dialog"
      title="Details of ${this.appName}"
      @click=${this._onClick}
    >
      ${content}
    </button>`;
  }

  private _onClick() {
    emit(this, 'cc-inspect', { instanceId: this.instance.id });
  }
}

/** What a host card or a VM box hands each of its chips: the board's clock, names and what just landed. */
export interface ChipContext {
  readonly appNames: ReadonlyMap<string, string>;
  readonly timeS: number;
  readonly speed: number;
  readonly phase: string;
  readonly fresh: ReadonlySet<string>;
  readonly readonly: boolean;
}

/** A list of instance chips, keyed by instance id (so a chip that stays keeps its element and its animation state). */
export const instanceChips = (instances: readonly InstanceView[], c: ChipContext) =>
  repeat(
    instances,
    (i) => i.id,
    (i) => html`<cc-instance-chip
      .instance=${i}
      appName=${c.appNames.get(i.appId) ?? 'App'}
      .timeS=${c.timeS}
      .speed=${c.speed}
      .phase=${c.phase}
      ?fresh=${c.fresh.has(i.id)}
      ?readonly=${c.readonly}
    ></cc-instance-chip>`,
  );

declare global {
  interface HTMLElementTagNameMap {
    'cc-instance-chip': InstanceChip;
  }
}
