import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ClusterView, HostView, RoomStatic } from '../../../shared/views/types.ts';
import { placementBlocked } from '../lib/placement-check.ts';
import { icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import './host-card.ts';

/**
 * A cluster as a grid of host cards. The student board uses it to play; the teacher console
 * uses the same element, read-only, to watch a student's cluster.
 */
@customElement('cc-cluster-board')
export class ClusterBoard extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      :host([compact]) .grid {
        gap: 0.5rem;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 19rem), 1fr));
        gap: var(--cc-gap);
        align-items: stretch;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 1rem;
        font-size: 0.8rem;
        color: var(--cc-muted);
        margin: 0 0 0.5rem;
        padding: 0;
        list-style: none;
      }
      .swatch {
        display: inline-block;
        width: 1.4em;
        height: 0.8em;
        vertical-align: middle;
        border: 1px solid var(--cc-muted);
        border-radius: 2px;
        margin-right: 0.3em;
      }
      .swatch.guest {
        background: repeating-linear-gradient(135deg, var(--cc-vm) 0 3px, var(--cc-guest) 3px 7px);
      }
      .swatch.used {
        background: var(--cc-accent);
      }
      .migrations {
        font-size: 0.875rem;
        margin: 0 0 0.5rem;
      }
    `,
  ];

  @property({ attribute: false }) cluster: ClusterView | null = null;
  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ type: Boolean }) readonly = false;
  @property({ type: Number }) timeS = 0;
  /** The room's speed, so times left read in real seconds (0: unknown, shown as simulated). */
  @property({ type: Number }) speed = 0;
  /** The room's phase: in the lobby the clock stands still, so nothing counts down yet. */
  @property() phase = 'running';
  /** Tap-to-place: the id of the app picked, waiting for a host or VM to be tapped. */
  @property() placing: string | null = null;
  /** A phone: smaller host cards, no legend. */
  @property({ type: Boolean, reflect: true }) compact = false;
  /** Instances seen in earlier views: a new one lands with a short pop (not all of them on the first view). */
  private _seen: Set<string> | null = null;
  private _fresh: ReadonlySet<string> = new Set();
  private _seenOf: string | null = null;

  protected override willUpdate(): void {
    if (!this.cluster) return;
    const ids = this.cluster.instances.map((i) => i.id);
    // Another cluster (the teacher watching someone else) starts afresh: nothing of it just landed.
    if (this._seen === null || this.cluster.id !== this._seenOf) {
      this._seenOf = this.cluster.id;
      this._fresh = new Set();
      this._seen = new Set(ids);
      return;
    }
    const fresh = ids.filter((id) => !this._seen!.has(id));
    this._fresh = new Set(fresh);
    this._seen = new Set(ids);
  }

  override render() {
    const { cluster, room } = this;
    if (!cluster || !room) return html``;
    const appNames = new Map(room.scenario.apps.map((a) => [a.id, a.name]));
    const specs = new Map(room.scenario.hosts.map((h) => [h.id, h]));
    const picked = this.readonly ? undefined : room.scenario.apps.find((a) => a.id === this.placing);
    // A host that no runtime can work on for the picked app says so instead of offering itself.
    const blocked = (h: HostView): string | null => {
      if (!picked) return null;
      const why = room.scenario.allow.runtimes.map((r) => placementBlocked(room, picked, r, { kind: 'host', host: h }));
      return why.some((w) => w === null) ? null : (why[0] ?? null);
    };
    return html`${this.compact
        ? ''
        : html`<ul class="legend" aria-label="Legend">
        <li><span class="swatch guest" aria-hidden="true"></span>guest OS memory</li>
        <li><span class="swatch used" aria-hidden="true"></span>apps</li>
        <li>${icon('container')} container</li>
        <li>${icon('vm')} VM</li>
        <li>${icon('microvm')} microVM</li>
      </ul>`}
      ${cluster.migrations > 0
        ? html`<p class="migrations" data-testid="cluster-migrations" data-count=${cluster.migrations}>
            ${icon('migrate')} ${cluster.migrations} live migration${cluster.migrations === 1 ? '' : 's'} so far, by you or by patch days: each VM kept running while it moved.
          </p>`
        : ''}
      <div class="grid" data-testid="cluster-board" data-cluster=${cluster.id}>
        ${repeat(
          cluster.hosts,
          (h) => h.id,
          (h) =>
            html`<cc-host-card
              .host=${h}
              .spec=${specs.get(h.id) ?? null}
              .vms=${cluster.vms.filter((v) => v.hostId === h.id)}
              .instances=${cluster.instances.filter((i) => i.hostId === h.id)}
              .appNames=${appNames}
              .timeS=${this.timeS}
              .speed=${this.speed}
              .phase=${this.phase}
              .placing=${picked?.name ?? null}
              .placeBlocked=${blocked(h)}
              .fresh=${this._fresh}
              ?compact=${this.compact}
              ?readonly=${this.readonly}
              ?changePlatform=${room.scenario.allow.changePlatform}
              ?allowVms=${room.scenario.allow.runtimes.includes('vm')}
            ></cc-host-card>`,
        )}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-cluster-board': ClusterBoard;
  }
}
