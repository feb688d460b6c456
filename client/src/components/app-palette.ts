import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Runtime } from '../../../shared/engine/types.ts';
import type { InstanceView, RoomStatic } from '../../../shared/views/types.ts';
import { DRAG_TYPE } from '../lib/drag.ts';
import { emit } from '../lib/events.ts';
import { OS_LABEL, RUNTIME_LABEL, miB } from '../lib/format.ts';
import { RUNTIME_ICON, icon, type IconName } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

type AppSpec = RoomStatic['scenario']['apps'][number];

interface Need {
  readonly icon: IconName;
  readonly text: string;
  readonly tone?: 'alert' | 'note';
  readonly testId?: string;
}

const DATA_LABEL = { public: 'public data', confidential: 'confidential data', regulated: 'regulated data' } as const;

/**
 * The scenario's apps, each with its needs as icons and words. An app is placed by dragging it
 * onto a host or VM (as the runtime picked above the list), or with its Place button, which
 * opens the keyboard-friendly placement dialog.
 *
 * @fires cc-place-app - open the placement dialog for an app
 */
@customElement('cc-app-palette')
export class AppPalette extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      fieldset {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 0.9rem;
      }
      ul.apps {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      li.app {
        border: 1px solid var(--cc-border);
        border-radius: var(--cc-radius);
        background: var(--cc-surface);
        padding: 0.5rem 0.6rem;
        cursor: grab;
      }
      li.app.done {
        border-left: 6px solid var(--cc-ok);
      }
      li.app.dragging {
        opacity: 0.5;
      }
      .top {
        display: flex;
        gap: 0.5rem;
        align-items: flex-start;
        justify-content: space-between;
      }
      .name {
        font-weight: 700;
        overflow-wrap: anywhere;
      }
      .placed {
        font-size: 0.85rem;
        color: var(--cc-muted);
        white-space: nowrap;
      }
      .desc {
        font-size: 0.85rem;
        color: var(--cc-muted);
        margin: 0.15rem 0 0.3rem;
      }
      ul.needs {
        list-style: none;
        margin: 0.25rem 0 0.4rem;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        font-size: 0.8rem;
      }
      ul.needs li {
        display: inline-flex;
        align-items: center;
        gap: 0.25em;
        border: 1px solid var(--cc-border);
        border-radius: 4px;
        padding: 0 0.4em;
        background: var(--cc-surface-2);
        white-space: nowrap;
      }
      ul.needs li.alert {
        border-color: var(--cc-danger);
        color: var(--cc-danger);
        background: var(--cc-danger-soft);
        font-weight: 700;
      }
      ul.needs li.note {
        border-color: var(--cc-vm);
        color: var(--cc-vm);
        background: var(--cc-vm-soft);
        font-weight: 700;
      }
      .grip {
        color: var(--cc-muted);
        font-size: 0.8rem;
      }
      /* Touch screens have no drag and drop here: the Place button is the way. */
      @media (hover: none) {
        .grip {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) instances: readonly InstanceView[] = [];
  /** Players may not act (the session is over, or this is a read-only view). */
  @property({ type: Boolean }) disabled = false;
  @state() private _dropAs: Runtime = 'container';
  @state() private _dragging: string | null = null;

  override render() {
    const room = this.room;
    if (!room) return html``;
    const runtimes = room.scenario.allow.runtimes;
    const dropAs = runtimes.includes(this._dropAs) ? this._dropAs : (runtimes[0] ?? 'container');
    const placed = new Map<string, number>();
    for (const i of this.instances) placed.set(i.appId, (placed.get(i.appId) ?? 0) + 1);
    return html`
      <fieldset ?disabled=${this.disabled}>
        <legend>Dragged apps go in as</legend>
        ${runtimes.map(
          (r) =>
            html`<label class="choice"
              ><input type="radio" name="drop-as" value=${r} data-testid="drop-as-${r}" .checked=${r === dropAs} @change=${this._onDropAs} />
              ${icon(RUNTIME_ICON[r] ?? 'container')} ${RUNTIME_LABEL[r]}</label
            >`,
        )}
      </fieldset>
      <ul class="apps" data-testid="app-palette">
        ${room.scenario.apps.map((app) => {
          const n = placed.get(app.id) ?? 0;
          return html`<li
            class="app ${n >= app.replicas ? 'done' : ''} ${this._dragging === app.id ? 'dragging' : ''}"
            data-testid="app-${app.id}"
            data-app=${app.id}
            draggable=${this.disabled ? 'false' : 'true'}
            @dragstart=${(e: DragEvent) => this._onDragStart(e, app.id, dropAs)}
            @dragend=${this._onDragEnd}
          >
            <div class="top">
              <span class="name">${app.name}</span>
              <span class="placed" data-testid="app-placed">${n} of ${app.replicas} placed</span>
            </div>
            ${app.description ? html`<p class="desc">${app.description}</p>` : ''}
            <ul class="needs" aria-label="What ${app.name} needs">
              ${this._needs(app).map((n) => html`<li class=${n.tone ?? ''} data-testid=${n.testId ?? 'app-need'}>${icon(n.icon)} ${n.text}</li>`)}
            </ul>
            <div class="row">
              <button
                type="button"
                class="small primary"
                data-testid="place-${app.id}"
                aria-haspopup="dialog"
                ?disabled=${this.disabled}
                @click=${() => this._onPlace(app.id)}
              >
                Place ${app.name}…
              </button>
              ${this.disabled ? '' : html`<span class="grip" aria-hidden="true">or drag onto a host</span>`}
            </div>
          </li>`;
        })}
      </ul>
    `;
  }

  private _needs(app: AppSpec): Need[] {
    const needs: Need[] = [
      { icon: app.os === 'windows' ? 'windows' : 'linux', text: `${OS_LABEL[app.os]} app` },
      { icon: 'cpu', text: `${app.cpu} CPU` },
      { icon: 'memory', text: `${miB(app.memoryMiB)} memory` },
      { icon: 'image', text: `${miB(app.imageMiB)} image` },
      { icon: 'replicas', text: `${app.replicas} replica${app.replicas === 1 ? '' : 's'}` },
    ];
    if (app.trust === 'untrusted') needs.push({ icon: 'warning', text: 'untrusted code', tone: 'alert' });
    if (app.data !== 'public') needs.push({ icon: 'lock', text: DATA_LABEL[app.data], tone: app.data === 'regulated' ? 'alert' : 'note' });
    else needs.push({ icon: 'lock', text: DATA_LABEL.public });
    if (app.needsCustomKernel) needs.push({ icon: 'kernel', text: 'needs its own kernel', tone: 'note' });
    if (app.stateful) needs.push({ icon: 'database', text: 'keeps data', tone: 'note', testId: 'app-stateful' });
    return needs;
  }

  private _onDropAs(e: Event) {
    this._dropAs = (e.target as HTMLInputElement).value as Runtime;
  }

  private _onDragStart(e: DragEvent, appId: string, runtime: Runtime) {
    if (this.disabled || !e.dataTransfer) return;
    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ appId, runtime }));
    e.dataTransfer.setData('text/plain', appId);
    e.dataTransfer.effectAllowed = 'copy';
    this._dragging = appId;
  }

  private _onDragEnd() {
    this._dragging = null;
  }

  private _onPlace(appId: string) {
    emit(this, 'cc-place-app', { appId });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-app-palette': AppPalette;
  }
}
