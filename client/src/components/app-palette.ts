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
      li.app.selected {
        border: 3px solid var(--cc-accent);
        background: var(--cc-accent-soft);
        box-shadow: 0 0 0 2px var(--cc-accent-soft);
      }
      /* Tap-to-place: the app's summary is one big toggle. */
      button.pick {
        display: block;
        width: 100%;
        min-height: 2.75rem;
        text-align: left;
        border: 0;
        background: none;
        color: inherit;
        padding: 0.15rem 0.1rem;
        font-weight: 400;
      }
      button.pick .name {
        display: block;
      }
      .line {
        display: block;
        font-size: 0.85rem;
        color: var(--cc-muted);
      }
      .line .count {
        font-weight: 700;
        color: var(--cc-text);
      }
      li.app.done .line .count {
        color: var(--cc-ok);
      }
      .picked {
        display: inline-flex;
        align-items: center;
        gap: 0.25em;
        font-size: 0.85rem;
        font-weight: 700;
        color: var(--cc-accent);
        white-space: nowrap;
      }
      :host([tap]) li.app {
        cursor: default;
        padding: 0.35rem 0.5rem 0.45rem;
      }
      :host([tap]) ul.apps {
        gap: 0.4rem;
      }
      .how {
        font-size: 0.875rem;
        color: var(--cc-muted);
        margin: -0.2rem 0 0.5rem;
      }
      /* A phone: the big pick button, its Place… button beside it, warnings below. */
      :host([tap]) li.app {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        column-gap: 0.4rem;
        align-items: center;
      }
      :host([tap]) .bottom {
        display: contents;
      }
      :host([tap]) .bottom .row {
        grid-column: 2;
        grid-row: 1;
      }
      :host([tap]) ul.needs {
        grid-column: 1 / -1;
        margin: 0.15rem 0 0;
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
  /** Tap-to-place is the main path here (a phone): an app is picked with a tap, then a host. */
  @property({ type: Boolean, reflect: true }) tap = false;
  /** The app picked for tap-to-place. */
  @property() selected: string | null = null;
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
      ${this.tap
        ? html`<p class="how" data-testid="palette-how">${icon('info')} Tap an app to select it, then tap a host to place it.</p>`
        : html`<fieldset ?disabled=${this.disabled}>
            <legend>Dragged apps go in as</legend>
            ${runtimes.map(
              (r) =>
                html`<label class="choice"
                  ><input type="radio" name="drop-as" value=${r} data-testid="drop-as-${r}" .checked=${r === dropAs} @change=${this._onDropAs} />
                  ${icon(RUNTIME_ICON[r] ?? 'container')} ${RUNTIME_LABEL[r]}</label
                >`,
            )}
          </fieldset>`}
      <ul class="apps" data-testid="app-palette">
        ${room.scenario.apps.map((app) => {
          const n = placed.get(app.id) ?? 0;
          const picked = this.selected === app.id;
          // A phone shows the figures in one line and keeps only the warnings as tags.
          const needs = this._needs(app).filter((need) => !this.tap || need.tone);
          const head = html`<div class="top">
            <span class="name">${app.name}</span>
            <span class="placed" data-testid="app-placed">${n} of ${app.replicas} placed</span>
          </div>`;
          return html`<li
            class="app ${n >= app.replicas ? 'done' : ''} ${this._dragging === app.id ? 'dragging' : ''} ${picked ? 'selected' : ''}"
            data-testid="app-${app.id}"
            data-app=${app.id}
            data-selected=${String(picked)}
            draggable=${this.disabled || this.tap ? 'false' : 'true'}
            @dragstart=${(e: DragEvent) => this._onDragStart(e, app.id, dropAs)}
            @dragend=${this._onDragEnd}
          >
            ${this.tap
              ? html`<button
                  type="button"
                  class="pick"
                  data-testid="select-${app.id}"
                  aria-pressed=${String(picked)}
                  ?disabled=${this.disabled}
                  @click=${() => this._onPick(app.id)}
                >
                  <span class="name">${app.name}</span>
                  <span class="line"><span class="count" data-testid="app-placed">${n} of ${app.replicas} placed</span> · ${this._summary(app)}</span>
                  ${picked
                    ? html`<span class="picked">${icon('check')} Selected: now tap a host</span>`
                    : html`<span class="visually-hidden">Tap to select, then tap a host to place it</span>`}
                </button>`
              : html`${head} ${app.description ? html`<p class="desc">${app.description}</p>` : ''}`}
            <div class="bottom">
            ${needs.length > 0
              ? html`<ul class="needs" aria-label="What ${app.name} needs">
                  ${needs.map((need) => html`<li class=${need.tone ?? ''} data-testid=${need.testId ?? 'app-need'}>${icon(need.icon)} ${need.text}</li>`)}
                </ul>`
              : ''}
            <div class="row">
              <button
                type="button"
                class="small ${this.tap ? '' : 'primary'}"
                data-testid="place-${app.id}"
                aria-haspopup="dialog"
                ?disabled=${this.disabled}
                @click=${() => this._onPlace(app.id)}
              >
                ${this.tap ? html`Place…<span class="visually-hidden"> ${app.name}</span>` : html`Place ${app.name}…`}
              </button>
              ${this.disabled || this.tap ? '' : html`<span class="grip" aria-hidden="true">or drag onto a host</span>`}
            </div>
            </div>
          </li>`;
        })}
      </ul>
    `;
  }

  /** A phone's one line of what an app needs: the figures, with the warnings kept as tags below. */
  private _summary(app: AppSpec): string {
    return `${OS_LABEL[app.os]} · ${app.cpu} CPU · ${miB(app.memoryMiB)}`;
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

  private _onPick(appId: string) {
    emit(this, 'cc-select-app', { appId: this.selected === appId ? null : appId });
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
