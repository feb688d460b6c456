import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Os } from '../../../shared/engine/types.ts';
import type { ClusterView, HostView, RoomStatic } from '../../../shared/views/types.ts';
import { OS_LABEL, PLATFORM_LABEL, miB } from '../lib/format.ts';
import { icon } from '../lib/icons.ts';
import { InPlaceAction } from '../lib/in-place-action.ts';
import { base } from '../styles/shared.ts';
import './refusal-note.ts';

/**
 * Creates a VM: host, guest OS, vCPUs, memory and an optional container engine. It says up front
 * how much of the memory the guest OS will take, and that its vCPUs share the host's cores. Hosts
 * that cannot run a VM (no VT-x/AMD-V, down) are disabled, and a size the host plainly cannot hold
 * is marked before submitting; what only the server knows (the vCPU allowance) comes back as a
 * refusal shown in the dialog.
 *
 * @fires cc-act - the createVm action (in place: the dialog shows a refusal)
 */
@customElement('cc-vm-dialog')
export class VmDialog extends LitElement {
  static override styles = [
    base,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
        gap: 0 0.75rem;
      }
      select,
      input[type='number'] {
        width: 100%;
      }
      .overhead {
        background: var(--cc-vm-soft);
        border-left: 4px solid var(--cc-vm);
        padding: 0.4rem 0.6rem;
        border-radius: 4px;
        margin: 0 0 0.75rem;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
      }
      .why {
        color: var(--cc-danger);
        font-weight: 600;
        font-size: 0.9rem;
        margin: 0 0 0.6rem;
        padding: 0;
        list-style: none;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) cluster: ClusterView | null = null;
  @state() private _hostId = '';
  @state() private _os: Os = 'linux';
  @state() private _vcpu = 2;
  @state() private _memoryMiB = 2048;
  @state() private _engine = true;
  @query('dialog') private _dialog!: HTMLDialogElement;
  private _action = new InPlaceAction(this, () => this._dialog?.open === true);

  async show(hostId: string | null): Promise<void> {
    const hosts = this.cluster?.hosts ?? [];
    this._hostId = hostId ?? (hosts.find((h) => hostBlocked(h) === null) ?? hosts[0])?.id ?? '';
    this._action.clear();
    await this.updateComplete;
    this._dialog.showModal();
  }

  override render() {
    const room = this.room;
    const physics = room?.physics;
    const guest = physics ? physics.guestOsMiB[this._os] + (this._engine ? physics.containerEngineMiB : 0) : 0;
    const names = new Map(room?.scenario.hosts.map((h) => [h.id, h.name]) ?? []);
    const host = this.cluster?.hosts.find((h) => h.id === this._hostId);
    const problems = this._problems(host, guest);
    return html`<dialog aria-labelledby="vm-title" data-testid="vm-dialog" @close=${() => this._action.clear()} @cc-dismiss-refusal=${this._onDismiss}>
      <form method="dialog" @submit=${this._onSubmit}>
        <h2 id="vm-title">New VM</h2>
        <div class="field">
          <label for="vm-host">Host</label>
          <select id="vm-host" data-testid="vm-host" .value=${this._hostId} @change=${(e: Event) => (this._hostId = (e.target as HTMLSelectElement).value)}>
            ${(this.cluster?.hosts ?? []).map((h) => {
              const why = hostBlocked(h);
              return html`<option value=${h.id} ?selected=${h.id === this._hostId} ?disabled=${why !== null}>
                ${names.get(h.id) ?? 'Host'} (${PLATFORM_LABEL[h.platform]}, ${miB(Math.max(0, h.memoryMiB - h.usedMiB))} free)${why ? ` — not possible: ${why}` : ''}
              </option>`;
            })}
          </select>
        </div>
        <fieldset>
          <legend>Guest OS</legend>
          ${(['linux', 'windows'] as const).map(
            (os) =>
              html`<label class="choice"
                ><input
                  type="radio"
                  name="guest-os"
                  value=${os}
                  data-testid="vm-os-${os}"
                  .checked=${this._os === os}
                  @change=${() => (this._os = os)}
                />
                ${OS_LABEL[os]}</label
              >`,
          )}
        </fieldset>
        <div class="grid">
          <div class="field">
            <label for="vm-cpu">vCPUs</label>
            <input
              id="vm-cpu"
              type="number"
              min="1"
              max="64"
              step="1"
              required
              data-testid="vm-vcpu"
              .value=${String(this._vcpu)}
              @input=${(e: Event) => (this._vcpu = Number((e.target as HTMLInputElement).value))}
            />
          </div>
          <div class="field">
            <label for="vm-mem">Memory (MiB)</label>
            <input
              id="vm-mem"
              type="number"
              min="256"
              max="262144"
              step="128"
              required
              data-testid="vm-memory-input"
              .value=${String(this._memoryMiB)}
              @input=${(e: Event) => (this._memoryMiB = Number((e.target as HTMLInputElement).value))}
            />
          </div>
        </div>
        <label class="choice"
          ><input type="checkbox" data-testid="vm-engine" .checked=${this._engine} @change=${(e: Event) => (this._engine = (e.target as HTMLInputElement).checked)} />
          Install a container engine (so containers can run inside it)</label
        >
        <p class="overhead" data-testid="vm-overhead">
          The ${OS_LABEL[this._os]} guest OS${this._engine ? ' and the engine' : ''} take about <strong>${miB(guest)}</strong> of this VM's memory before any app
          runs, leaving ${miB(Math.max(0, this._memoryMiB - guest))}.
        </p>
        ${host
          ? html`<p class="hint" data-testid="vm-vcpu-note">
              Its ${this._vcpu} vCPU${this._vcpu === 1 ? '' : 's'} share ${names.get(host.id) ?? host.id}'s ${host.cpu} cores with what runs there (now
              ${host.reservedCpu} vCPUs): vCPUs are assigned, not reserved, and when they all want more than the cores give, each waits (steal time).
            </p>`
          : ''}
        ${problems.length > 0
          ? html`<ul class="why" id="vm-why" data-testid="vm-why">
              ${problems.map((p) => html`<li>${icon('cross')} Not possible: ${p}</li>`)}
            </ul>`
          : ''}
        <div role="alert" data-testid="dialog-refusal-region"><cc-refusal-note .refusal=${this._action.refusal}></cc-refusal-note></div>
        <div class="actions">
          <button type="button" @click=${() => this._dialog.close()}>Cancel</button>
          <button type="submit" class="primary" data-testid="vm-create" aria-describedby=${problems.length ? 'vm-why' : ''} ?disabled=${this._action.busy || problems.length > 0}>
            Create VM
          </button>
        </div>
      </form>
    </dialog>`;
  }

  /** What the board can tell for certain will be refused: no VT-x/AMD-V, too many vCPUs, too little or too much memory. */
  private _problems(host: HostView | undefined, guestMiB: number): string[] {
    if (!host) return ['pick a host.'];
    const problems: string[] = [];
    const name = this.room?.scenario.hosts.find((h) => h.id === host.id)?.name ?? 'This host';
    const blocked = hostBlocked(host);
    if (blocked) problems.push(`${name}: ${blocked}`);
    if (this._vcpu > host.cpu) problems.push(`${name} has ${host.cpu} cores: a VM cannot have more vCPUs (${this._vcpu}) than its host has cores.`);
    const min = guestMiB + (this.room?.physics.vmMinFreeMiB ?? 0);
    if (this._memoryMiB < min) problems.push(`the guest OS${this._engine ? ' and the engine' : ''} alone need about ${miB(guestMiB)}: give it at least ${miB(min)}.`);
    const free = Math.max(0, host.memoryMiB - host.usedMiB);
    if (this._memoryMiB > free) problems.push(`${name} has ${miB(free)} free, and a VM's memory (${miB(this._memoryMiB)}) is reserved in full.`);
    return problems;
  }

  private async _onSubmit(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    if (!form.reportValidity() || !this._hostId) return;
    const action = { type: 'createVm', hostId: this._hostId, guestOs: this._os, vcpu: this._vcpu, memoryMiB: this._memoryMiB, containerEngine: this._engine } as const;
    if (await this._action.run(action)) this._dialog.close();
  }

  private _onDismiss(e: Event) {
    e.stopPropagation();
    this._action.clear();
  }
}

/** Why a VM cannot go on this host at all (null when it might). */
function hostBlocked(h: HostView): string | null {
  if (h.down) return 'it is down.';
  if (!h.kvm) return 'no hardware virtualisation (VT-x/AMD-V), so no VM.';
  return null;
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-vm-dialog': VmDialog;
  }
}
