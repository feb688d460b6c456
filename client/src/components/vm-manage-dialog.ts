import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ClusterView, HostView, RoomStatic, VmView } from '../../../shared/views/types.ts';
import { OS_LABEL, PLATFORM_LABEL, clockText, coreCount, cores, miB, percent } from '../lib/format.ts';
import { icon } from '../lib/icons.ts';
import { InPlaceAction } from '../lib/in-place-action.ts';
import { base, detailDialog } from '../styles/shared.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './confirm-dialog.ts';
import './refusal-note.ts';

/**
 * One VM's dialog: live-migrate it to another host (hosts that cannot take it are disabled, each
 * saying why; what only the server can tell, such as the hypervisor's vCPU allowance, comes back
 * as a refusal shown here), take a snapshot now, and roll back to the latest one after a
 * confirmation. A dedicated VM (`deploy {runtime: 'vm'}`) is managed the same way.
 *
 * @fires cc-act - migrateVm, snapshotVm or restoreVm (in place: the dialog shows a refusal)
 */
@customElement('cc-vm-manage-dialog')
export class VmManageDialog extends LitElement {
  static override styles = [
    base,
    detailDialog,
    css`
      h2 .hint {
        display: block;
        margin-top: 0.15rem;
      }
      .target {
        padding: 0.25rem 0;
      }
      .target .why {
        display: block;
        margin: 0 0 0 1.65rem;
      }
      .target.off .name {
        color: var(--cc-muted);
      }
      .note {
        border-left: 4px solid var(--cc-info);
        background: var(--cc-info-soft);
        padding: 0.35rem 0.6rem;
        border-radius: 4px;
      }
      ul.snapshots {
        margin: 0.2rem 0 0.5rem;
        padding-left: 1.2rem;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        margin-top: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) cluster: ClusterView | null = null;
  @state() private _vmId: string | null = null;
  @state() private _target = '';
  @query('dialog') private _dialog!: HTMLDialogElement;
  @query('cc-confirm-dialog') private _confirm!: ConfirmDialog;
  private _action = new InPlaceAction(this, () => this._dialog?.open === true);

  async show(vmId: string): Promise<void> {
    this._vmId = vmId;
    const vm = this.cluster?.vms.find((v) => v.id === vmId);
    this._target = vm ? (this._targets(vm).find((t) => t.why === null)?.host.id ?? '') : '';
    this._action.clear();
    await this.updateComplete;
    this._dialog.showModal();
  }

  override render() {
    const vm = this.cluster?.vms.find((v) => v.id === this._vmId);
    return html`<dialog aria-labelledby="vmm-title" data-testid="vm-manage-dialog" @close=${this._onClose} @cc-dismiss-refusal=${this._onDismiss}>
      ${vm
        ? html`<h2 id="vmm-title">${this._vmName(vm)} <span class="hint">on ${this._hostName(vm.hostId)}</span></h2>
            <dl>
              <dt>Guest</dt>
              <dd>${OS_LABEL[vm.guestOs]} · ${vm.vcpu} vCPU · ${miB(vm.memoryMiB)}</dd>
              <dt>State</dt>
              <dd data-testid="vm-manage-status">${vm.status}${vm.status === 'running' ? '' : ` until simulated ${clockText(vm.upAtS)}`}</dd>
              <dt>CPU</dt>
              <dd>
                ${vm.cpuWanted > 0 ? `gets ${cores(vm.cpuGranted)} of the ${coreCount(vm.cpuWanted)} it wants` : 'idle'}${vm.stealPct > 0
                  ? html`; <strong>steal ${percent(vm.stealPct)}</strong>: its vCPUs wait that share of the time for the host's cores`
                  : ''}
              </dd>
            </dl>
            <div role="alert" data-testid="dialog-refusal-region"><cc-refusal-note .refusal=${this._action.refusal}></cc-refusal-note></div>
            ${this._renderMigrate(vm)} ${this._renderSnapshots(vm)}
            <div class="actions">
              <button type="button" data-testid="vm-manage-close" @click=${() => this._dialog.close()}>Close</button>
            </div>`
        : html`<h2 id="vmm-title">VM gone</h2>
            <p>It is no longer in your cluster.</p>
            <button type="button" @click=${() => this._dialog.close()}>Close</button>`}
      <cc-confirm-dialog></cc-confirm-dialog>
    </dialog>`;
  }

  private _renderMigrate(vm: VmView) {
    const source = this.cluster?.hosts.find((h) => h.id === vm.hostId);
    const head = html`<h3 id="migrate-title">${icon('migrate')} Live-migrate to another host</h3>`;
    if (!source || source.platform !== 'hypervisor') {
      return html`<section class="group" aria-labelledby="migrate-title">
        ${head}
        <p data-testid="migrate-unavailable">
          It runs under a hosted (type-2) hypervisor on the ${source ? PLATFORM_LABEL[source.platform] : 'host OS'} of ${this._hostName(vm.hostId)}, as VirtualBox or VMware
          Workstation do: those offer no live migration. Live migration moves VMs between bare-metal hypervisor hosts.
        </p>
      </section>`;
    }
    const targets = this._targets(vm);
    const busy = this._action.busy;
    const chosen = targets.find((t) => t.host.id === this._target && t.why === null);
    return html`<section class="group" aria-labelledby="migrate-title">
      ${head}
      <p class="hint">
        It keeps running while its ${miB(vm.memoryMiB)} of memory is copied across, then pauses well under a second. Only between bare-metal hypervisor hosts with
        hardware virtualisation (VT-x/AMD-V).
      </p>
      ${vm.status !== 'running'
        ? html`<p class="note" data-testid="migrate-wait">It is ${vm.status} until simulated ${clockText(vm.upAtS)}: only a running VM can be live-migrated.</p>`
        : ''}
      <form @submit=${this._onMigrate}>
        <fieldset>
          <legend>Move it to</legend>
          ${targets.length === 0 ? html`<p class="hint">There is no other host in this cluster.</p>` : ''}
          ${targets.map(
            (t) =>
              html`<label class="choice target ${t.why ? 'off' : ''}">
                <input
                  type="radio"
                  name="migrate-target"
                  value=${t.host.id}
                  data-testid="migrate-target-${t.host.id}"
                  aria-describedby="why-${t.host.id}"
                  ?disabled=${t.why !== null}
                  .checked=${t.host.id === this._target && t.why === null}
                  @change=${() => (this._target = t.host.id)}
                />
                <span>
                  <span class="name">${this._hostName(t.host.id)}</span>
                  <span class="hint why" id="why-${t.host.id}" data-testid="migrate-why-${t.host.id}">${t.why ?? t.room}</span>
                </span>
              </label>`,
          )}
        </fieldset>
        <button type="submit" class="primary" data-testid="vm-migrate" ?disabled=${busy || !chosen}>
          ${chosen ? `Migrate to ${this._hostName(chosen.host.id)}` : 'Migrate'}
        </button>
      </form>
    </section>`;
  }

  private _renderSnapshots(vm: VmView) {
    const keep = this.room?.physics.snapshotsPerVm ?? 3;
    const latest = vm.snapshots.at(-1);
    const busy = this._action.busy;
    return html`<section class="group" aria-labelledby="snap-title">
      <h3 id="snap-title">${icon('camera')} Snapshots</h3>
      ${vm.snapshots.length === 0
        ? html`<p data-testid="vm-snapshot-list">No snapshots yet.</p>`
        : html`<p>Kept: ${vm.snapshots.length} of at most ${keep}, newest last.</p>
            <ul class="snapshots" data-testid="vm-snapshot-list">
              ${vm.snapshots.map((at) => html`<li>at ${clockText(at)} (second ${Math.floor(at)})</li>`)}
            </ul>`}
      <p class="hint">
        A snapshot is an image of the whole VM (OS, binaries and data) to roll back to. It is kept on this host's storage beside the VM's disk, so it is not a backup: a
        host failure takes both. Taking one more than ${keep} merges the oldest away.
      </p>
      <div class="buttons">
        <button type="button" data-testid="vm-snapshot" ?disabled=${busy} @click=${this._onSnapshot}>${icon('camera')} Snapshot now</button>
        <button type="button" class="danger" data-testid="vm-restore" aria-haspopup="dialog" ?disabled=${busy || latest === undefined} @click=${this._onRestore}>
          ${icon('restore')} ${latest === undefined ? 'Roll back to a snapshot' : `Roll back to second ${Math.floor(latest)}…`}
        </button>
      </div>
    </section>`;
  }

  /** Every other host, with why it cannot take this VM by live migration (null when it can, as far as the board can tell). */
  private _targets(vm: VmView): { host: HostView; why: string | null; room: string }[] {
    return (this.cluster?.hosts ?? [])
      .filter((h) => h.id !== vm.hostId)
      .map((h) => {
        const free = Math.max(0, h.memoryMiB - h.usedMiB);
        const room = `${miB(free)} free · ${h.reservedCpu} vCPUs on ${h.cpu} cores`;
        let why: string | null = null;
        if (h.down) why = `Down until simulated ${clockText(h.downUntilS)}.`;
        else if (h.platform !== 'hypervisor') why = `Runs a ${PLATFORM_LABEL[h.platform]}: a hosted (type-2) hypervisor there cannot receive a live migration.`;
        else if (!h.kvm) why = 'No hardware virtualisation (VT-x/AMD-V): no hypervisor there could run it.';
        else if (vm.vcpu > h.cpu) why = `Has ${h.cpu} cores, fewer than its ${vm.vcpu} vCPUs.`;
        else if (free < vm.memoryMiB) why = `Only ${miB(free)} free of the ${miB(vm.memoryMiB)} it needs.`;
        return { host: h, why, room };
      });
  }

  private _vmName(vm: VmView): string {
    if (vm.dedicatedTo === null) return `VM ${vm.id}`;
    const inst = this.cluster?.instances.find((i) => i.id === vm.dedicatedTo);
    const app = this.room?.scenario.apps.find((a) => a.id === inst?.appId);
    return `VM for ${app?.name ?? vm.dedicatedTo}`;
  }

  private _hostName(id: string): string {
    return this.room?.scenario.hosts.find((h) => h.id === id)?.name ?? id;
  }

  private async _onMigrate(e: Event) {
    e.preventDefault();
    if (!this._vmId || !this._target) return;
    if (await this._action.run({ type: 'migrateVm', vmId: this._vmId, hostId: this._target })) this._dialog.close();
  }

  private async _onSnapshot() {
    if (!this._vmId) return;
    if (await this._action.run({ type: 'snapshotVm', vmId: this._vmId })) this._dialog.close();
  }

  private async _onRestore() {
    const vm = this.cluster?.vms.find((v) => v.id === this._vmId);
    const latest = vm?.snapshots.at(-1);
    if (!vm || latest === undefined) return;
    const ok = await this._confirm.ask({
      title: `Roll back ${this._vmName(vm)}?`,
      message: `Roll back everything in this VM to second ${Math.floor(latest)} (${clockText(latest)}): its OS, binaries and data as they were then. What it wrote since is lost, and it restarts.`,
      confirm: `Roll back to second ${Math.floor(latest)}`,
    });
    if (!ok) return;
    if (await this._action.run({ type: 'restoreVm', vmId: vm.id })) this._dialog.close();
  }

  private _onDismiss(e: Event) {
    e.stopPropagation();
    this._action.clear();
  }

  private _onClose(e: Event) {
    // The confirmation's own close bubbles no further than its shadow root, but be sure.
    if (e.target !== this._dialog) return;
    this._vmId = null;
    this._action.clear();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-vm-manage-dialog': VmManageDialog;
  }
}
