import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { InstanceView, VmView } from '../../../shared/views/types.ts';
import { AppDropZone } from '../lib/drag.ts';
import { act, emit } from '../lib/events.ts';
import { OS_LABEL, clockText, coreCount, cores, miB, percent, realLeft } from '../lib/format.ts';
import { STATUS_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import './info-tip.ts';
import { instanceChips } from './instance-chip.ts';
import './usage-bar.ts';

/**
 * A VM on a host: its guest OS's share of its memory is shaded and labelled, and what runs
 * inside it (containers, or the one app of a dedicated VM) is listed as chips, with the CPU it
 * gets from its host (steal, when it waits for cores) and its snapshots. A drop target.
 *
 * @fires cc-act - deploy into this VM (drop), or delete it
 * @fires cc-manage-vm - open its dialog: live migration, snapshots
 */
@customElement('cc-vm-box')
export class VmBox extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .vm {
        border: 2px solid var(--cc-vm);
        background: var(--cc-vm-soft);
        border-radius: 6px;
        padding: 0.4rem 0.55rem 0.5rem;
      }
      .vm.down {
        border-style: dashed;
        background: var(--cc-off-soft);
      }
      .vm.over {
        outline: 3px dashed var(--cc-accent);
        outline-offset: 2px;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.6rem;
        align-items: baseline;
        justify-content: space-between;
      }
      .title {
        font-weight: 700;
        color: var(--cc-vm);
      }
      .status {
        font-weight: 700;
        font-size: 0.85rem;
      }
      .status.booting {
        color: var(--cc-info);
      }
      .status.running {
        color: var(--cc-ok);
      }
      .status.down {
        color: var(--cc-off);
      }
      .spec {
        font-size: 0.85rem;
        color: var(--cc-muted);
      }
      cc-usage-bar {
        margin: 0.3rem 0;
      }
      .cpu {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 0.5rem;
        align-items: center;
        font-size: 0.85rem;
        margin-top: 0.2rem;
      }
      .meta {
        font-size: 0.85rem;
        margin-top: 0.3rem;
      }
      .tools {
        margin-top: 0.4rem;
      }
      .inside {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
      }
      .boot {
        display: grid;
        gap: 0.15rem;
        margin: 0.25rem 0;
        font-size: 0.85rem;
        font-weight: 600;
        color: var(--cc-info);
      }
      .boot .track {
        height: 0.5rem;
        border: 1px solid var(--cc-info);
        border-radius: 999px;
        background: var(--cc-surface);
        overflow: hidden;
      }
      .boot .fill {
        display: block;
        height: 100%;
        background: var(--cc-info);
        transition: width 0.4s linear;
      }
      @media (prefers-reduced-motion: reduce) {
        .boot .fill {
          transition: none;
        }
      }
      .place-here {
        width: 100%;
        margin-top: 0.35rem;
        min-height: 2.75rem;
      }
      .empty {
        font-size: 0.85rem;
        color: var(--cc-muted);
        font-style: italic;
      }
    `,
  ];

  @property({ attribute: false }) vm!: VmView;
  @property({ attribute: false }) instances: readonly InstanceView[] = [];
  @property({ attribute: false }) appNames: ReadonlyMap<string, string> = new Map();
  @property({ type: Boolean }) readonly = false;
  @property({ type: Number }) timeS = 0;
  @property({ type: Number }) speed = 0;
  @property() phase = 'running';
  /** Tap-to-place: the picked app's name; a VM with a container engine offers "Place it in this VM". */
  @property() placing: string | null = null;
  @property({ attribute: false }) fresh: ReadonlySet<string> = new Set();
  /** The longest boot time left seen for this VM: the start of its progress bar. */
  private _bootFrom: { vmId: string; left: number } | null = null;
  private _drop = new AppDropZone(this, {
    active: () => !this.readonly,
    drop: (app) => act(this, { type: 'deploy', appId: app.appId, runtime: app.runtime, target: this.vm.id }),
  });

  override render() {
    const vm = this.vm;
    const dedicated = vm.dedicatedTo !== null;
    const free = Math.max(0, vm.memoryMiB - vm.guestOsMiB - vm.usedMiB);
    const title = dedicated ? `VM for ${this.appNames.get(this.instances[0]?.appId ?? '') ?? 'an app'}` : `VM ${vm.id}`;
    return html`<section
      class="vm ${vm.status} ${this._drop.over ? 'over' : ''}"
      aria-label=${title}
      data-testid="vm"
      data-vm=${vm.id}
      data-status=${vm.status}
      @dragover=${this._drop.onDragOver}
      @dragleave=${this._drop.onDragLeave}
      @drop=${this._drop.onDrop}
    >
      <div class="head">
        <span class="title">${icon('vm')} ${title}</span>
        <span class="status ${vm.status}" data-testid="vm-status">${icon(STATUS_ICON[vm.status] ?? 'clock')} ${vm.status}</span>
      </div>
      ${vm.status === 'booting' ? this._renderBoot(vm, title) : ''}
      <div class="spec">${OS_LABEL[vm.guestOs]} guest · ${vm.vcpu} vCPU · ${miB(vm.memoryMiB)}${vm.containerEngine ? ' · container engine' : ''}</div>
      <div class="cpu" data-testid="vm-cpu">
        <span
          >CPU:
          ${vm.cpuWanted > 0 ? html`gets ${cores(vm.cpuGranted)} of the ${coreCount(vm.cpuWanted)} it wants` : html`idle`}</span
        >
        ${vm.stealPct > 0
          ? html`<cc-info-tip
              tone="warn"
              data-testid="vm-steal"
              data-steal=${vm.stealPct}
              tip="This VM asked its host for ${cores(vm.cpuWanted)} cores this second and got ${cores(vm.cpuGranted)}: its vCPUs waited for ${percent(vm.stealPct)} of that (steal time, st in top inside the guest). The host's cores are shared by more busy vCPUs than it has. Live-migrate it to a quieter host, or move its neighbours away."
              >steal ${percent(vm.stealPct)}</cc-info-tip
            >`
          : ''}
      </div>
      <cc-usage-bar
        label="Memory"
        text="guest OS ${miB(vm.guestOsMiB)} · apps ${miB(vm.usedMiB)} · free ${miB(free)}"
        .max=${vm.memoryMiB}
        .segments=${[
          { value: vm.guestOsMiB, kind: 'guest' },
          { value: vm.usedMiB, kind: 'used' },
        ]}
        data-testid="vm-memory"
      ></cc-usage-bar>
      <div class="inside">
        ${this.instances.length === 0
          ? html`<span class="empty">${vm.containerEngine ? 'No containers yet' : 'Empty'}</span>`
          : instanceChips(this.instances, this)}
      </div>
      ${this.placing && vm.containerEngine && !dedicated && vm.status !== 'down'
        ? html`<button type="button" class="primary place-here" data-testid="place-in-vm" aria-haspopup="dialog" @click=${this._onPlaceHere}>
            Place ${this.placing} in this VM<span class="visually-hidden"> (${title})</span>
          </button>`
        : ''}
      ${vm.snapshots.length > 0
        ? html`<div class="meta" data-testid="vm-snapshots" data-count=${vm.snapshots.length}>
            ${icon('camera')} ${vm.snapshots.length} snapshot${vm.snapshots.length === 1 ? '' : 's'}, latest at simulated ${clockText(vm.snapshots.at(-1)!)}
          </div>`
        : ''}
      ${this.readonly
        ? ''
        : html`<div class="row tools">
            <button type="button" class="small" data-testid="vm-manage" aria-haspopup="dialog" @click=${this._onManage}>
              ${icon('migrate')} Migrate, snapshot…<span class="visually-hidden"> (${title})</span>
            </button>
            ${dedicated ? '' : html`<button type="button" class="small danger" data-testid="delete-vm" @click=${this._onDelete}>Delete VM ${vm.id}</button>`}
          </div>`}
    </section>`;
  }



  /** Boot progress: a bar and the real time left (in the lobby the clock stands still, so it says when it starts). */
  private _renderBoot(vm: VmView, title: string) {
    const left = Math.max(0, vm.upAtS - this.timeS);
    if (this._bootFrom?.vmId !== vm.id || left > this._bootFrom.left) this._bootFrom = { vmId: vm.id, left };
    const from = this._bootFrom.left;
    const done = from > 0 ? 1 - left / from : 1;
    const over = this.phase === 'debrief' || this.phase === 'ended';
    const text =
      this.phase === 'lobby'
        ? `boots in ${realLeft(vm.upAtS, this.timeS, this.speed)} (real time) once the clock starts`
        : over
          ? 'the run ended before it finished booting'
          : `${realLeft(vm.upAtS, this.timeS, this.speed)} left (real time)${this.phase === 'paused' ? ', paused' : ''}`;
    return html`<div class="boot" data-testid="vm-boot">
      <span data-testid="vm-boot-left">${text}</span>
      <span class="track" role="progressbar" aria-label="Boot progress of ${title}" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(done * 100)}
        ><span class="fill" style="width:${Math.round(done * 100)}%"></span
      ></span>
    </div>`;
  }

  private _onPlaceHere(e: Event) {
    e.stopPropagation();
    emit(this, 'cc-place-on', { target: this.vm.id });
  }

  private _onManage() {
    emit(this, 'cc-manage-vm', { vmId: this.vm.id });
  }

  private _onDelete() {
    act(this, { type: 'deleteVm', vmId: this.vm.id });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-vm-box': VmBox;
  }
}
