import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Runtime } from '../../../shared/engine/types.ts';
import type { ClusterView, RoomStatic } from '../../../shared/views/types.ts';
import { OS_LABEL, PLATFORM_LABEL, RUNTIME_LABEL, miB } from '../lib/format.ts';
import { RUNTIME_ICON, icon } from '../lib/icons.ts';
import { InPlaceAction } from '../lib/in-place-action.ts';
import { base } from '../styles/shared.ts';
import './refusal-note.ts';

const RUNTIME_HINT: Record<Runtime, string> = {
  container: 'Shares the kernel of its host or VM. Starts in about a second once its image is there; no guest OS to pay for.',
  vm: 'A VM of its own: its own guest OS and kernel. Strong isolation, but it reserves memory for a whole OS and boots slowly. Needs hardware virtualisation (VT-x/AMD-V).',
  microvm: 'A tiny VM with its own minimal Linux kernel: strong isolation, ready about as fast as a container. Needs a Linux or bare-metal host with hardware virtualisation (VT-x/AMD-V).',
};

/**
 * The keyboard path for placing an app: pick a runtime and a target, then Place. A native modal
 * dialog, so focus stays inside it, Escape closes it and focus returns to the Place button. It
 * stays open until the server answers: a refusal is shown in it, to change the choice and retry.
 *
 * @fires cc-act - the deploy action (in place: the dialog shows a refusal)
 */
@customElement('cc-place-dialog')
export class PlaceDialog extends LitElement {
  static override styles = [
    base,
    css`
      .hint {
        margin: 0.15rem 0 0 1.7rem;
      }
      .app-line {
        color: var(--cc-muted);
        margin-bottom: 0.75rem;
      }
      .data-note {
        border-left: 4px solid var(--cc-vm);
        background: var(--cc-vm-soft);
        padding: 0.35rem 0.6rem;
        border-radius: 4px;
      }
      select {
        width: 100%;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
        margin-top: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) cluster: ClusterView | null = null;
  @state() private _appId: string | null = null;
  @state() private _runtime: Runtime = 'container';
  @state() private _target = '';
  @query('dialog') private _dialog!: HTMLDialogElement;
  private _action = new InPlaceAction(this, () => this._dialog?.open === true);

  /** Opens the dialog for one app. */
  async show(appId: string): Promise<void> {
    const app = this.room?.scenario.apps.find((a) => a.id === appId);
    if (!app || !this.room) return;
    this._appId = appId;
    const runtimes = this.room.scenario.allow.runtimes;
    if (!runtimes.includes(this._runtime)) this._runtime = runtimes[0] ?? 'container';
    this._target = this._defaultTarget(this._runtime, app.os);
    this._action.clear();
    await this.updateComplete;
    this._dialog.showModal();
  }

  override render() {
    const room = this.room;
    const app = room?.scenario.apps.find((a) => a.id === this._appId);
    return html`<dialog aria-labelledby="place-title" data-testid="place-dialog" @close=${this._onClose} @cc-dismiss-refusal=${this._onDismiss}>
      ${room && app
        ? html`<form method="dialog" @submit=${this._onSubmit}>
            <h2 id="place-title">Place ${app.name}</h2>
            <p class="app-line">${OS_LABEL[app.os]} app · ${app.cpu} CPU · ${miB(app.memoryMiB)} · ${app.replicas} replica${app.replicas === 1 ? '' : 's'} wanted</p>
            ${app.stateful
              ? html`<p class="data-note" data-testid="place-stateful">
                  ${icon('database')} It keeps data. A container or microVM rebuilt from its image starts empty: once placed, open it to put its data on a volume with backups. In
                  a VM the data is on the VM's disk.
                </p>`
              : ''}
            <fieldset>
              <legend>Run it as</legend>
              ${room.scenario.allow.runtimes.map(
                (r) =>
                  html`<label class="choice">
                      <input
                        type="radio"
                        name="runtime"
                        value=${r}
                        data-testid="place-runtime-${r}"
                        .checked=${this._runtime === r}
                        @change=${this._onRuntime}
                      />
                      <span>${icon(RUNTIME_ICON[r] ?? 'container')} ${RUNTIME_LABEL[r]}</span>
                    </label>
                    <p class="hint">${RUNTIME_HINT[r]}</p>`,
              )}
            </fieldset>
            <div class="field">
              <label for="target">Where</label>
              <select id="target" data-testid="place-target" .value=${this._target} @change=${this._onTarget}>
                ${this._targets(this._runtime).map(
                  (group) =>
                    html`<optgroup label=${group.label}>
                      ${group.options.map((o) => html`<option value=${o.value} ?selected=${o.value === this._target}>${o.label}</option>`)}
                    </optgroup>`,
                )}
              </select>
            </div>
            <div role="alert" data-testid="dialog-refusal-region"><cc-refusal-note .refusal=${this._action.refusal}></cc-refusal-note></div>
            <div class="actions">
              <button type="button" data-testid="place-cancel" @click=${this._onCancel}>Cancel</button>
              <button type="submit" class="primary" data-testid="place-submit" ?disabled=${this._action.busy}>Place</button>
            </div>
          </form>`
        : ''}
    </dialog>`;
  }

  private _targets(runtime: Runtime): { label: string; options: { value: string; label: string }[] }[] {
    const room = this.room;
    const cluster = this.cluster;
    if (!room) return [];
    const name = new Map(room.scenario.hosts.map((h) => [h.id, h.name]));
    const hosts = (cluster?.hosts ?? []).map((h) => ({
      value: h.id,
      label: `${name.get(h.id) ?? h.id} (${PLATFORM_LABEL[h.platform]}${h.kvm ? '' : ', no hardware virtualisation'}${h.down ? ', DOWN' : ''})`,
    }));
    const groups = [{ label: 'Hosts', options: hosts }];
    if (runtime === 'container') {
      const vms = (cluster?.vms ?? [])
        .filter((v) => v.containerEngine)
        .map((v) => ({ value: v.id, label: `VM ${v.id} (${OS_LABEL[v.guestOs]} guest with a container engine, on ${name.get(v.hostId) ?? v.hostId})` }));
      if (vms.length > 0) groups.push({ label: 'VMs with a container engine', options: vms });
    }
    return groups;
  }

  private _defaultTarget(runtime: Runtime, os: 'linux' | 'windows'): string {
    const hosts = this.cluster?.hosts ?? [];
    const fits = runtime === 'container' ? hosts.find((h) => h.platform === os && !h.down) : hosts.find((h) => !h.down);
    return fits?.id ?? hosts[0]?.id ?? '';
  }

  private _onRuntime(e: Event) {
    this._runtime = (e.target as HTMLInputElement).value as Runtime;
    const options = this._targets(this._runtime).flatMap((g) => g.options);
    if (!options.some((o) => o.value === this._target)) this._target = options[0]?.value ?? '';
  }

  private _onTarget(e: Event) {
    this._target = (e.target as HTMLSelectElement).value;
  }

  private async _onSubmit(e: Event) {
    e.preventDefault();
    if (!this._appId || !this._target) return;
    if (await this._action.run({ type: 'deploy', appId: this._appId, runtime: this._runtime, target: this._target })) this._dialog.close();
  }

  private _onDismiss(e: Event) {
    e.stopPropagation();
    this._action.clear();
  }

  private _onCancel() {
    this._dialog.close();
  }

  private _onClose() {
    this._appId = null;
    this._action.clear();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-place-dialog': PlaceDialog;
  }
}
