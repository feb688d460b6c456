import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Platform } from '../../../shared/engine/types.ts';
import type { HostView, InstanceView, RoomStatic, VmView } from '../../../shared/views/types.ts';
import { AppDropZone } from '../lib/drag.ts';
import { act, emit } from '../lib/events.ts';
import { PLATFORM_LABEL, cores, miB, percent, perHour, realLeft } from '../lib/format.ts';
import { PLATFORM_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import './info-tip.ts';
import { instanceChips } from './instance-chip.ts';
import './usage-bar.ts';
import './vm-box.ts';

type HostSpec = RoomStatic['scenario']['hosts'][number];

/**
 * One host of a cluster: its platform, hardware virtualisation and health, CPU and memory bars (guest OSes
 * shaded), its VMs as boxes and its own containers and microVMs as chips. A drop target for
 * apps dragged from the palette.
 *
 * @fires cc-act - deploy onto this host (drop) or change its platform
 * @fires cc-new-vm - the player wants to create a VM on this host
 * @fires cc-place-on - tap-to-place: the picked app goes here
 */
@customElement('cc-host-card')
export class HostCard extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      article {
        background: var(--cc-surface);
        border: 2px solid var(--cc-border);
        border-radius: var(--cc-radius);
        padding: 0.7rem 0.8rem 0.8rem;
        height: 100%;
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
      }
      article.over {
        border-color: var(--cc-accent);
        outline: 3px dashed var(--cc-accent);
        outline-offset: 2px;
        background: var(--cc-accent-soft);
      }
      article.target {
        border-color: var(--cc-accent);
        border-style: dashed;
        cursor: pointer;
      }
      .place-here {
        width: 100%;
        min-height: 2.75rem;
      }
      .cannot {
        margin: 0;
        color: var(--cc-danger);
        font-weight: 600;
        font-size: 0.875rem;
      }
      :host([compact]) article {
        padding: 0.5rem 0.6rem 0.6rem;
        gap: 0.35rem;
      }
      :host([compact]) h3 {
        font-size: 1rem;
      }
      :host([compact]) .badges {
        font-size: 0.75rem;
      }
      article.down {
        border-style: dashed;
        border-color: var(--cc-danger);
        background: repeating-linear-gradient(135deg, var(--cc-surface) 0 12px, var(--cc-off-soft) 12px 24px);
      }
      h3 {
        margin: 0;
        font-size: 1.05rem;
      }
      .badges {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        font-size: 0.8rem;
      }
      .badge {
        border: 1px solid var(--cc-border);
        background: var(--cc-surface-2);
        border-radius: 999px;
        padding: 0 0.55em;
        white-space: nowrap;
      }
      .badge.hypervisor {
        border-color: var(--cc-vm);
        color: var(--cc-vm);
        background: var(--cc-vm-soft);
      }
      .badge.downnote {
        border-color: var(--cc-danger);
        background: var(--cc-danger);
        color: #fff;
        font-weight: 700;
      }
      .sharing {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 0.6rem;
        align-items: center;
        font-size: 0.8rem;
        margin-top: -0.2rem;
      }
      .loose {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
      }
      .vms {
        display: grid;
        gap: 0.45rem;
      }
      .empty {
        color: var(--cc-muted);
        font-size: 0.9rem;
        font-style: italic;
        margin: 0;
      }
      .tools {
        margin-top: auto;
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        align-items: flex-end;
      }
      .tools label {
        font-size: 0.8rem;
      }
      .tools select {
        min-height: 2rem;
        padding: 0.1em 0.3em;
      }
      details.platform summary {
        cursor: pointer;
        font-size: 0.875rem;
        font-weight: 600;
        color: var(--cc-accent);
        min-height: 2rem;
        display: flex;
        align-items: center;
      }
      details.platform[open] {
        flex-basis: 100%;
      }
      details.platform .hint {
        margin: 0.2rem 0 0;
        font-size: 0.8rem;
      }
      .platform-field {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        align-items: center;
      }
    `,
  ];

  @property({ attribute: false }) host!: HostView;
  @property({ attribute: false }) spec: HostSpec | null = null;
  @property({ attribute: false }) vms: readonly VmView[] = [];
  @property({ attribute: false }) instances: readonly InstanceView[] = [];
  @property({ attribute: false }) appNames: ReadonlyMap<string, string> = new Map();
  @property({ type: Boolean }) readonly = false;
  @property({ type: Boolean }) changePlatform = false;
  @property({ type: Boolean }) allowVms = false;
  @property({ type: Number }) timeS = 0;
  @property({ type: Number }) speed = 0;
  @property() phase = 'running';
  /** Tap-to-place: the picked app's name; the card then offers "Place it here". */
  @property() placing: string | null = null;
  /** Tap-to-place: why the picked app cannot go on this host in any runtime (null: it might). */
  @property() placeBlocked: string | null = null;
  /** Instances that just appeared (they land with a pop). */
  @property({ attribute: false }) fresh: ReadonlySet<string> = new Set();
  @property({ type: Boolean, reflect: true }) compact = false;
  private _drop = new AppDropZone(this, {
    active: () => !this.readonly,
    drop: (app) => act(this, { type: 'deploy', appId: app.appId, runtime: app.runtime, target: this.host.id }),
  });
  @state() private _platform: Platform | null = null;

  override render() {
    const h = this.host;
    const name = this.spec?.name ?? h.id;
    const guestMiB = this.vms.reduce((sum, vm) => sum + vm.guestOsMiB, 0);
    const loose = this.instances.filter((i) => i.vmId === null);
    const cpuShare = h.cpu > 0 ? h.cpuUsed / h.cpu : 0;
    const headingId = `host-${h.id}-name`;
    return html`<article
      class="${h.down ? 'down' : ''} ${this._drop.over ? 'over' : ''} ${this.placing && !this.placeBlocked ? 'target' : ''}"
      aria-labelledby=${headingId}
      data-testid="host"
      data-host=${h.id}
      data-platform=${h.platform}
      data-down=${String(h.down)}
      @dragover=${this._drop.onDragOver}
      @dragleave=${this._drop.onDragLeave}
      @drop=${this._drop.onDrop}
      @click=${this._onCardClick}
    >
      <h3 id=${headingId}>${name}</h3>
      ${this.placing && this.placeBlocked
        ? html`<p class="cannot" data-testid="place-cannot">${icon('cross')} ${this.placing} cannot go here: ${this.placeBlocked}</p>`
        : ''}
      ${this.placing && !this.placeBlocked
        ? html`<button type="button" class="primary place-here" data-testid="place-here" aria-haspopup="dialog" @click=${this._onPlaceHere}>
            Place ${this.placing} here<span class="visually-hidden"> (${name})</span>
          </button>`
        : ''}
      <div class="badges">
        <span class="badge ${h.platform}" data-testid="host-platform">${icon(PLATFORM_ICON[h.platform] ?? 'linux')} ${PLATFORM_LABEL[h.platform]}</span>
        <span class="badge" data-testid="host-virt"
          >${this.compact
            ? h.kvm
              ? 'VT-x/AMD-V'
              : 'no VT-x/AMD-V'
            : h.kvm
              ? 'hardware virtualisation (VT-x/AMD-V)'
              : 'no hardware virtualisation (VT-x/AMD-V)'}</span
        >
        <span class="badge">${h.cpu} cores · ${miB(h.memoryMiB)} usable</span>
        ${this.spec ? html`<span class="badge" data-testid="host-cost">${perHour(this.spec.costPerHour)}${h.powered ? '' : ' when in use'}</span>` : ''}
        ${h.down
          ? html`<span class="badge downnote" data-testid="host-down"
              >${icon('cross')} DOWN, back in ${realLeft(h.downUntilS, this.timeS, this.speed)}</span
            >`
          : ''}
      </div>
      <cc-usage-bar
        label="CPU"
        text="${cores(h.cpuUsed)} of ${h.cpu} cores handed out"
        .max=${h.cpu}
        .segments=${[{ value: h.cpuUsed, kind: cpuShare > 0.9 || h.stealPct > 0 ? 'hot' : 'used' }]}
        data-testid="host-cpu"
      ></cc-usage-bar>
      ${this._renderCpuSharing()}
      <cc-usage-bar
        label="Memory"
        text="${miB(h.usedMiB)} of ${miB(h.memoryMiB)}${guestMiB > 0 ? ` · guest OSes ${miB(guestMiB)}` : ''}"
        .max=${h.memoryMiB}
        .segments=${[
          { value: guestMiB, kind: 'guest' },
          { value: Math.max(0, h.usedMiB - guestMiB), kind: 'used' },
        ]}
        data-testid="host-memory"
      ></cc-usage-bar>
      ${loose.length > 0
        ? html`<div class="loose" data-testid="host-instances">
            ${instanceChips(loose, this)}
          </div>`
        : ''}
      ${this.vms.length > 0
        ? html`<div class="vms">
            ${repeat(
              this.vms,
              (vm) => vm.id,
              (vm) =>
                html`<cc-vm-box
                  .vm=${vm}
                  .instances=${this.instances.filter((i) => i.vmId === vm.id)}
                  .appNames=${this.appNames}
                  .timeS=${this.timeS}
                  .speed=${this.speed}
                  .phase=${this.phase}
                  .placing=${this.placing}
                  .fresh=${this.fresh}
                  ?readonly=${this.readonly}
                ></cc-vm-box>`,
            )}
          </div>`
        : ''}
      ${loose.length === 0 && this.vms.length === 0
        ? html`<p class="empty">
            ${this.readonly ? 'Empty.' : this.compact ? 'Empty: select an app above, then tap this host.' : 'Empty: drop an app here, or use an app’s Place button.'}
          </p>`
        : ''}
      ${this.readonly ? '' : this._renderTools()}
    </article>`;
  }

  /** How the cores are shared: vCPUs per core (overcommit), what everything wants, and steal. */
  private _renderCpuSharing() {
    const h = this.host;
    const short = h.cpuWanted > h.cpu + 0.005;
    if (h.reservedCpu === 0 && !short && h.stealPct <= 0) return '';
    const ratio = h.reservedCpu / h.cpu;
    const virtualised = h.reservedCpu > 0;
    return html`<div class="sharing" data-testid="host-cpu-sharing">
      ${virtualised
        ? html`<cc-info-tip
            data-testid="host-vcpus"
            tip="Its VMs and microVMs have ${h.reservedCpu} vCPUs between them on ${h.cpu} cores (${cores(ratio)} per core): vCPUs share cores, they are not reserved. The hypervisor has used ${percent(100 * h.vcpuCommitted)} of its vCPU allowance and refuses new VMs past 100 %."
            >${h.reservedCpu} ${h.reservedCpu === 1 ? 'vCPU' : 'vCPUs'} on ${h.cpu} cores</cc-info-tip
          >`
        : ''}
      ${short ? html`<span data-testid="host-cpu-wanted">wants ${cores(h.cpuWanted)} cores</span>` : ''}
      ${h.stealPct > 0
        ? html`<cc-info-tip
            tone="warn"
            data-testid="host-steal"
            data-steal=${h.stealPct}
            tip=${virtualised
              ? `Everything here wanted ${cores(h.cpuWanted)} cores this second and the host has ${h.cpu}: its VMs and microVMs waited for ${percent(h.stealPct)} of the CPU they asked for. That wait is steal time (st in top). Move a VM to another host, or give VMs fewer vCPUs.`
              : `Its containers wanted ${cores(h.cpuWanted)} cores this second and the host has ${h.cpu}: ${percent(h.stealPct)} of what they wanted could not be handed out, and each got its share by CPU weight (cpu.weight). A CPU limit (cpu.max) on the busy one protects the rest.`}
            >${virtualised ? 'steal' : 'CPU short by'} ${percent(h.stealPct)}</cc-info-tip
          >`
        : ''}
    </div>`;
  }

  private _renderTools() {
    const h = this.host;
    const id = `platform-${h.id}`;
    return html`<div class="tools">
      ${this.allowVms
        ? html`<button type="button" class="small" data-testid="new-vm" aria-haspopup="dialog" @click=${this._onNewVm}>+ New VM here</button>`
        : ''}
      ${this.changePlatform
        ? html`<details class="platform">
            <summary data-testid="platform-toggle">Change platform</summary>
            <div class="platform-field">
            <label for=${id}>Platform</label>
            <select id=${id} data-testid="platform-select" .value=${live(this._platform ?? h.platform)} @change=${this._onPlatformPick}>
              ${(['linux', 'windows', 'hypervisor'] as const).map((p) => html`<option value=${p}>${PLATFORM_LABEL[p]}</option>`)}
            </select>
            <button
              type="button"
              class="small"
              data-testid="platform-apply"
              ?disabled=${this._platform === null || this._platform === h.platform}
              @click=${this._onPlatformApply}
            >
              Reinstall
            </button>
            </div>
            <p class="hint">Reinstalling wipes the host: only possible while it is empty.</p>
          </details>`
        : ''}
    </div>`;
  }

  private _onPlatformPick(e: Event) {
    this._platform = (e.target as HTMLSelectElement).value as Platform;
  }

  private _onPlatformApply() {
    if (this._platform === null) return;
    act(this, { type: 'configureHost', hostId: this.host.id, platform: this._platform });
    this._platform = null;
  }

  private _onNewVm() {
    emit(this, 'cc-new-vm', { hostId: this.host.id });
  }

  private _onPlaceHere(e: Event) {
    e.stopPropagation();
    emit(this, 'cc-place-on', { target: this.host.id });
  }

  /** While an app is picked, a tap anywhere on the card (not on one of its controls) places it here. */
  private _onCardClick(e: MouseEvent) {
    if (!this.placing || this.placeBlocked || this.readonly) return;
    const inner = e.composedPath().find((el) => el instanceof HTMLElement && el.matches('button, a, select, input, summary, details, cc-vm-box, cc-info-tip'));
    if (inner) return;
    emit(this, 'cc-place-on', { target: this.host.id });
  }


}

declare global {
  interface HTMLElementTagNameMap {
    'cc-host-card': HostCard;
  }
}
