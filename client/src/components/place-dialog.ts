import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Runtime } from '../../../shared/engine/types.ts';
import type { ClusterView, RoomStatic } from '../../../shared/views/types.ts';
import { OS_LABEL, PLATFORM_LABEL, RUNTIME_LABEL, miB, perHour } from '../lib/format.ts';
import { RUNTIME_ICON, icon } from '../lib/icons.ts';
import { emit } from '../lib/events.ts';
import { InPlaceAction } from '../lib/in-place-action.ts';
import { placementBlocked, runtimeBlocked, targetId, targetsOf, type PlaceTarget } from '../lib/placement-check.ts';
import { base } from '../styles/shared.ts';
import './refusal-note.ts';

const RUNTIME_HINT: Record<Runtime, string> = {
  container: 'Shares the kernel of its host or VM. Starts in about a second once its image is there; no guest OS to pay for.',
  vm: 'A VM of its own: its own guest OS and kernel. Strong isolation, but it reserves memory for a whole OS and boots slowly. Needs hardware virtualisation (VT-x/AMD-V).',
  microvm: 'A tiny VM with its own minimal Linux kernel: strong isolation, ready about as fast as a container. Needs a Linux or bare-metal host with hardware virtualisation (VT-x/AMD-V).',
};

type AppSpec = RoomStatic['scenario']['apps'][number];

/**
 * The keyboard path for placing an app, and the one confirmation of tap-to-place: pick a runtime
 * and a target (or arrive with the tapped one), read what will be created and what it costs, then
 * Place. Runtimes and targets that cannot work are disabled before anything is sent, each saying
 * why; what only the server can tell comes back as a refusal shown here, to change and retry. A
 * native modal dialog, so focus stays inside it, Escape closes it and focus returns to the opener.
 *
 * @fires cc-act - the deploy action (in place: the dialog shows a refusal)
 * @fires cc-placed - it was placed
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
      .choice.off span {
        color: var(--cc-muted);
      }
      .why {
        margin: 0.1rem 0 0.35rem 1.7rem;
        color: var(--cc-danger);
        font-size: 0.85rem;
        font-weight: 600;
      }
      .summary {
        border-left: 4px solid var(--cc-accent);
        background: var(--cc-accent-soft);
        padding: 0.4rem 0.6rem;
        border-radius: 4px;
        margin: 0 0 0.5rem;
      }
      .summary.off {
        border-left-color: var(--cc-danger);
        background: var(--cc-danger-soft);
      }
      @media (max-width: 759px) {
        .hint {
          display: none;
        }
        .choice:has(input:checked) + .hint {
          display: block;
        }
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

  /**
   * Opens the dialog for one app; with a target (a tapped host or VM) it starts there, on the first
   * runtime that can work on it, so confirming is one tap.
   */
  async show(appId: string, target?: string): Promise<void> {
    const app = this.room?.scenario.apps.find((a) => a.id === appId);
    if (!app || !this.room) return;
    this._appId = appId;
    const runtimes = this.room.scenario.allow.runtimes;
    if (!runtimes.includes(this._runtime)) this._runtime = runtimes[0] ?? 'container';
    const tapped = target ? targetsOf(this.cluster).find((t) => targetId(t) === target) : undefined;
    if (tapped) {
      this._target = target!;
      const works = runtimes.find((r) => placementBlocked(this.room!, app, r, tapped) === null);
      if (works) this._runtime = works;
      else if (tapped.kind === 'vm') this._runtime = 'container';
    } else {
      if (runtimeBlocked(app, this._runtime)) this._runtime = runtimes.find((r) => !runtimeBlocked(app, r)) ?? this._runtime;
      this._target = this._defaultTarget(this._runtime, app);
    }
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
            ${app.description ? html`<p class="app-line">${app.description}</p>` : ''}
            ${app.stateful
              ? html`<p class="data-note" data-testid="place-stateful">
                  ${icon('database')} It keeps data. A container or microVM rebuilt from its image starts empty: once placed, open it to put its data on a volume with backups. In
                  a VM the data is on the VM's disk.
                </p>`
              : ''}
            <fieldset>
              <legend>Run it as</legend>
              ${room.scenario.allow.runtimes.map((r) => {
                const why = this._runtimeWhy(app, r);
                return html`<label class="choice ${why ? 'off' : ''}">
                    <input
                      type="radio"
                      name="runtime"
                      value=${r}
                      data-testid="place-runtime-${r}"
                      aria-describedby=${why ? `why-${r}` : `hint-${r}`}
                      ?disabled=${why !== null}
                      .checked=${this._runtime === r}
                      @change=${this._onRuntime}
                    />
                    <span>${icon(RUNTIME_ICON[r] ?? 'container')} ${RUNTIME_LABEL[r]}</span>
                  </label>
                  ${why
                    ? html`<p class="why" id="why-${r}" data-testid="place-why-${r}">${icon('cross')} Not possible: ${why}</p>`
                    : html`<p class="hint" id="hint-${r}">${RUNTIME_HINT[r]}</p>`}`;
              })}
            </fieldset>
            <div class="field">
              <label for="target">Where</label>
              <select id="target" data-testid="place-target" aria-describedby=${this._action.refusal ? nothing : 'place-summary'} .value=${this._target} @change=${this._onTarget}>
                ${this._targets(this._runtime).map(
                  (group) =>
                    html`<optgroup label=${group.label}>
                      ${group.options.map(
                        (o) =>
                          html`<option value=${o.value} ?selected=${o.value === this._target} ?disabled=${o.why !== null} data-why=${o.why ?? ''}>
                            ${o.label}${o.why ? ` — not possible: ${o.why}` : ''}
                          </option>`,
                      )}
                    </optgroup>`,
                )}
              </select>
            </div>
            ${this._action.refusal ? '' : this._renderSummary(app)}
            <div role="alert" data-testid="dialog-refusal-region"><cc-refusal-note .refusal=${this._action.refusal}></cc-refusal-note></div>
            <div class="actions">
              <button type="button" data-testid="place-cancel" @click=${this._onCancel}>Cancel</button>
              <button type="submit" class="primary" data-testid="place-submit" ?disabled=${this._action.busy || this._blocked(app) !== null}>Place</button>
            </div>
          </form>`
        : ''}
    </dialog>`;
  }

  /** Why this runtime cannot work: for any target, or (when every target refuses it) anywhere here. */
  private _runtimeWhy(app: AppSpec, runtime: Runtime): string | null {
    const room = this.room!;
    const whole = runtimeBlocked(app, runtime);
    if (whole) return whole;
    const targets = this._targetList(runtime);
    if (targets.length > 0 && targets.every((t) => placementBlocked(room, app, runtime, t) !== null)) {
      const current = targets.find((t) => targetId(t) === this._target);
      const why = current ? placementBlocked(room, app, runtime, current) : null;
      return `no host here can take it as a ${RUNTIME_LABEL[runtime]} now${why ? ` (${this._name(current!)}: ${why.replace(/\.$/, '')})` : ''}.`;
    }
    return null;
  }

  /** The targets a runtime can be sent to: hosts, and for containers the VMs with an engine. */
  private _targetList(runtime: Runtime): PlaceTarget[] {
    return targetsOf(this.cluster).filter((t) => t.kind === 'host' || (runtime === 'container' && t.vm.containerEngine));
  }

  private _name(t: PlaceTarget): string {
    const names = new Map(this.room?.scenario.hosts.map((h) => [h.id, h.name]) ?? []);
    return t.kind === 'host' ? (names.get(t.host.id) ?? 'Host') : `VM ${t.vm.id}`;
  }

  private _targets(runtime: Runtime): { label: string; options: { value: string; label: string; why: string | null }[] }[] {
    const room = this.room;
    const app = room?.scenario.apps.find((a) => a.id === this._appId);
    if (!room || !app) return [];
    const names = new Map(room.scenario.hosts.map((h) => [h.id, h.name]));
    const list = this._targetList(runtime);
    const hosts = list
      .filter((t): t is Extract<PlaceTarget, { kind: 'host' }> => t.kind === 'host')
      .map((t) => ({
        value: t.host.id,
        label: `${this._name(t)} (${PLATFORM_LABEL[t.host.platform]}${t.host.kvm ? '' : ', no hardware virtualisation'}${t.host.down ? ', DOWN' : ''})`,
        why: placementBlocked(room, app, runtime, t),
      }));
    const groups = [{ label: 'Hosts', options: hosts }];
    const vms = list
      .filter((t): t is Extract<PlaceTarget, { kind: 'vm' }> => t.kind === 'vm')
      .map((t) => ({
        value: t.vm.id,
        label: `${this._name(t)} (${OS_LABEL[t.vm.guestOs]} guest with a container engine, on ${names.get(t.vm.hostId) ?? 'a host'})`,
        why: placementBlocked(room, app, runtime, t),
      }));
    if (vms.length > 0) groups.push({ label: 'VMs with a container engine', options: vms });
    return groups;
  }

  /** Why the chosen runtime and target cannot work (null when, as far as the board can tell, they can). */
  private _blocked(app: AppSpec): string | null {
    const target = this._targetList(this._runtime).find((t) => targetId(t) === this._target);
    if (!target) return 'Pick where it goes.';
    return placementBlocked(this.room!, app, this._runtime, target);
  }

  /** The one confirmation: what will be created, where, what it takes and what it costs. */
  private _renderSummary(app: AppSpec) {
    const room = this.room!;
    const target = this._targetList(this._runtime).find((t) => targetId(t) === this._target);
    const why = this._blocked(app);
    if (!target || why)
      return html`<p class="summary off" id="place-summary" data-testid="place-summary" data-possible="false">
        ${icon('cross')} ${target ? html`Not possible on ${this._name(target)}: ${why}` : why} Pick another runtime or place.
      </p>`;
    const where = this._name(target);
    const hostId = target.kind === 'host' ? target.host.id : target.vm.hostId;
    const spec = room.scenario.hosts.find((h) => h.id === hostId);
    const host = target.kind === 'host' ? target.host : target.host;
    const cost = spec ? (host?.powered ? `${spec.name} already costs ${perHour(spec.costPerHour)}.` : `${spec.name} starts costing ${perHour(spec.costPerHour)} once it runs something.`) : '';
    const guest = room.physics.guestOsMiB[app.os];
    const what =
      this._runtime === 'vm'
        ? `a ${OS_LABEL[app.os]} VM of its own on ${where}: it reserves ${miB(app.memoryMiB + guest)} (${miB(guest)} of it for the guest OS) and ${Math.max(1, Math.ceil(app.cpu))} vCPU`
        : this._runtime === 'microvm'
          ? `a microVM on ${where}, with its own small Linux kernel: about ${miB(app.memoryMiB)} and ${Math.max(1, Math.ceil(app.cpu))} vCPU`
          : `a container on ${target.kind === 'vm' ? `the ${OS_LABEL[target.vm.guestOs]} kernel of ${where}` : `${where}'s ${OS_LABEL[app.os]} kernel`}: ${miB(app.memoryMiB + room.physics.containerOverheadMiB)}, ${app.cpu} CPU`;
    return html`<p class="summary" id="place-summary" data-testid="place-summary" data-possible="true">
      ${icon('check')} Creates ${what}. ${cost}
    </p>`;
  }

  private _defaultTarget(runtime: Runtime, app: AppSpec): string {
    const room = this.room!;
    const list = this._targetList(runtime).filter((t) => t.kind === 'host');
    const pick = list.find((t) => placementBlocked(room, app, runtime, t) === null) ?? list[0];
    return pick ? targetId(pick) : '';
  }

  private _onRuntime(e: Event) {
    this._runtime = (e.target as HTMLInputElement).value as Runtime;
    const options = this._targets(this._runtime).flatMap((g) => g.options);
    // Keep the chosen place if the new runtime can go there; else the first place that works.
    if (!options.some((o) => o.value === this._target && o.why === null)) this._target = (options.find((o) => o.why === null) ?? options[0])?.value ?? '';
  }

  private _onTarget(e: Event) {
    this._target = (e.target as HTMLSelectElement).value;
  }

  private async _onSubmit(e: Event) {
    e.preventDefault();
    if (!this._appId || !this._target) return;
    const appId = this._appId;
    if (await this._action.run({ type: 'deploy', appId, runtime: this._runtime, target: this._target })) {
      this._dialog.close();
      emit(this, 'cc-placed', { appId });
    }
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
