import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LIMITS } from '../../../shared/engine/limits.ts';
import { CPU_WEIGHT } from '../../../shared/engine/topology.ts';
import type { ClusterView, InstanceView, RoomStatic } from '../../../shared/views/types.ts';
import { RUNTIME_LABEL, STATUS_LABEL, clockText, coreCount, cores, miB, pct, percent, realLeft } from '../lib/format.ts';
import { icon } from '../lib/icons.ts';
import { InPlaceAction } from '../lib/in-place-action.ts';
import { base, detailDialog } from '../styles/shared.ts';
import './refusal-note.ts';

type AppSpec = RoomStatic['scenario']['apps'][number];

/**
 * One instance's details, with its actions: a container's cgroup settings (CPU limit, CPU weight,
 * memory limit, each set or removed on its own), a volume with or without backups for an app
 * that keeps data, and remove. It stays open until the server answers; a refusal is shown here.
 *
 * @fires cc-act - setLimits, attachVolume or remove (in place: the dialog shows a refusal)
 */
@customElement('cc-instance-dialog')
export class InstanceDialog extends LitElement {
  static override styles = [
    base,
    detailDialog,
    css`
      .alert {
        color: var(--cc-danger);
      }
      .setting {
        margin: 0 0 0.7rem;
      }
      .setting .field {
        margin-bottom: 0.35rem;
      }
      .input {
        display: flex;
        align-items: center;
        gap: 0.4rem;
      }
      .input input {
        width: 7.5rem;
      }
      .unit {
        color: var(--cc-muted);
      }
      .line {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        align-items: center;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
      }
      .buttons button {
        min-height: 2.5rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem;
        margin-top: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) cluster: ClusterView | null = null;
  /** The room's clock and speed, for "ready in 12 s" in real time. */
  @property({ type: Number }) timeS = 0;
  @property({ type: Number }) speed = 0;
  @state() private _id: string | null = null;
  @state() private _cpu = '';
  @state() private _weight = '';
  @state() private _memory = '';
  @state() private _backup = true;
  @query('dialog') private _dialog!: HTMLDialogElement;
  private _action = new InPlaceAction(this, () => this._dialog?.open === true);

  async show(instanceId: string): Promise<void> {
    this._id = instanceId;
    const inst = this.cluster?.instances.find((i) => i.id === instanceId);
    this._cpu = inst?.cpuLimit != null ? String(inst.cpuLimit) : '';
    this._weight = String(inst?.cpuWeight ?? CPU_WEIGHT.default);
    this._memory = inst?.memoryLimitMiB != null ? String(inst.memoryLimitMiB) : '';
    this._backup = inst?.volume?.backup ?? true;
    this._action.clear();
    await this.updateComplete;
    this._dialog.showModal();
  }

  override render() {
    const inst = this.cluster?.instances.find((i) => i.id === this._id);
    const app = this.room?.scenario.apps.find((a) => a.id === inst?.appId);
    return html`<dialog aria-labelledby="inst-title" data-testid="instance-dialog" @close=${this._onClose} @cc-dismiss-refusal=${this._onDismiss}>
      ${inst && app
        ? html`<h2 id="inst-title">${app.name} <span class="hint">(${RUNTIME_LABEL[inst.runtime]})</span></h2>
            ${this._renderFacts(inst, app)}
            <div role="alert" data-testid="dialog-refusal-region"><cc-refusal-note .refusal=${this._action.refusal}></cc-refusal-note></div>
            ${app.stateful ? this._renderData(inst) : ''}
            ${inst.runtime === 'container'
              ? this._renderLimits(inst, app)
              : html`<p class="hint">
                  A ${RUNTIME_LABEL[inst.runtime]}'s vCPUs cap what it can use, so cgroup limits and weights (for containers sharing a kernel) do not apply. When its
                  host's cores are busy it waits for them: that is steal time.
                </p>`}
            <div class="actions">
              <button type="button" class="danger" data-testid="instance-remove" ?disabled=${this._action.busy} @click=${this._onRemove}>Remove ${app.name}</button>
              <button type="button" data-testid="instance-close" @click=${() => this._dialog.close()}>Close</button>
            </div>`
        : html`<h2 id="inst-title">Instance gone</h2>
            <p>It is no longer in your cluster.</p>
            <button type="button" @click=${() => this._dialog.close()}>Close</button>`}
    </dialog>`;
  }

  private _renderFacts(inst: InstanceView, app: AppSpec) {
    const hostName = (id: string) => this.room?.scenario.hosts.find((h) => h.id === id)?.name ?? id;
    const where = inst.vmId && inst.runtime === 'container' ? `VM ${inst.vmId} on ${hostName(inst.hostId)}` : hostName(inst.hostId);
    const speed = this.speed;
    const short = inst.cpuWanted > 0 && inst.cpuGot < inst.cpuWanted - 0.005;
    return html`<dl>
      <dt>Runs as</dt>
      <dd>${RUNTIME_LABEL[inst.runtime]}</dd>
      <dt>On</dt>
      <dd>${where}</dd>
      <dt>State</dt>
      <dd data-testid="instance-dialog-status">
        ${STATUS_LABEL[inst.status] ?? inst.status}${inst.oomKills > 0
          ? html`: <strong class="alert" data-testid="instance-dialog-oom">OOM-killed ${inst.oomKills} time${inst.oomKills === 1 ? '' : 's'}</strong>, its memory limit is below the
              ${miB(app.memoryMiB)} it needs`
          : ''}
      </dd>
      <dt>${inst.readyAtS > this.timeS ? 'Ready at' : 'Up since'}</dt>
      <dd>
        simulated ${clockText(inst.upAtS)}${inst.readyAtS > this.timeS && speed > 0 ? html` (in ${realLeft(inst.readyAtS, this.timeS, speed)}, real time)` : ''}
      </dd>
      <dt>CPU</dt>
      <dd data-testid="instance-dialog-cpu">
        ${inst.cpuWanted > 0
          ? html`wants ${coreCount(inst.cpuWanted)}, gets ${cores(inst.cpuGot)}${short ? html` (<strong>short of CPU</strong>)` : ''}: ${pct(inst.perf)} of its work done`
          : 'not running, so it wants none'}
      </dd>
      ${inst.stealPct > 0
        ? html`<dt>Steal</dt>
            <dd data-testid="instance-dialog-steal">
              ${percent(inst.stealPct)}: its ${inst.runtime === 'microvm' ? 'microVM' : 'VM'} waits that share of the time for its host's cores, which more vCPUs want than
              there are
            </dd>`
        : ''}
    </dl>`;
  }

  private _renderLimits(inst: InstanceView, app: AppSpec) {
    const busy = this._action.busy;
    return html`<section class="group" aria-labelledby="limits-title">
      <h3 id="limits-title">CPU and memory (cgroups)</h3>
      <p class="hint">Containers on one kernel share its CPUs by weight; a limit caps one so it cannot starve its neighbours.</p>
      <form class="setting" data-testid="cpu-limit-form" @submit=${this._onCpuLimit}>
        <div class="field">
          <label for="cpu-limit">CPU limit (cpu.max), in cores</label>
          <div class="line">
            <span class="input">
              <input
                id="cpu-limit"
                type="number"
                inputmode="decimal"
                min=${LIMITS.minCpuLimit}
                max=${LIMITS.maxCpuLimit}
                step="0.05"
                required
                placeholder="none"
                aria-describedby="cpu-limit-hint"
                data-testid="cpu-limit"
                .value=${this._cpu}
                @input=${(e: Event) => (this._cpu = (e.target as HTMLInputElement).value)}
              />
              <span class="unit" aria-hidden="true">cores</span>
            </span>
            <div class="buttons">
              <button type="submit" data-testid="cpu-limit-set" ?disabled=${busy}>Set<span class="visually-hidden"> CPU limit</span></button>
              <button type="button" data-testid="cpu-limit-remove" ?disabled=${busy || inst.cpuLimit === null} @click=${() => this._set({ cpu: null })}>Remove<span class="visually-hidden"> CPU</span> limit</button>
            </div>
          </div>
          <span class="hint" id="cpu-limit-hint">${LIMITS.minCpuLimit} to ${LIMITS.maxCpuLimit} cores. Now: ${inst.cpuLimit === null ? 'no limit' : `${inst.cpuLimit} cores`}.</span>
        </div>
      </form>
      <form class="setting" data-testid="cpu-weight-form" @submit=${this._onWeight}>
        <div class="field">
          <label for="cpu-weight">CPU weight (cpu.weight)</label>
          <div class="line">
            <span class="input">
              <input
                id="cpu-weight"
                type="number"
                inputmode="numeric"
                min=${CPU_WEIGHT.min}
                max=${CPU_WEIGHT.max}
                step="1"
                required
                aria-describedby="cpu-weight-hint"
                data-testid="cpu-weight"
                .value=${this._weight}
                @input=${(e: Event) => (this._weight = (e.target as HTMLInputElement).value)}
              />
              <span class="unit" aria-hidden="true">shares</span>
            </span>
            <div class="buttons">
              <button type="submit" data-testid="cpu-weight-set" ?disabled=${busy}>Set<span class="visually-hidden"> CPU weight</span></button>
              <button
                type="button"
                data-testid="cpu-weight-reset"
                ?disabled=${busy || inst.cpuWeight === CPU_WEIGHT.default}
                @click=${() => this._set({ weight: CPU_WEIGHT.default })}
              >
                Back to ${CPU_WEIGHT.default}<span class="visually-hidden"> (the default weight)</span>
              </button>
            </div>
          </div>
          <span class="hint" id="cpu-weight-hint"
            >A whole number from ${CPU_WEIGHT.min} to ${CPU_WEIGHT.max}; ${CPU_WEIGHT.default} is the default. When the kernel is busy, twice the weight gets twice the share. Now:
            ${inst.cpuWeight}.</span
          >
        </div>
      </form>
      <form class="setting" data-testid="memory-limit-form" @submit=${this._onMemory}>
        <div class="field">
          <label for="memory-limit">Memory limit (memory.max), in MiB</label>
          <div class="line">
            <span class="input">
              <input
                id="memory-limit"
                type="number"
                inputmode="numeric"
                min="1"
                max=${LIMITS.maxVmMemoryMiB}
                step="1"
                required
                placeholder="none"
                aria-describedby="memory-limit-hint"
                data-testid="memory-limit"
                .value=${this._memory}
                @input=${(e: Event) => (this._memory = (e.target as HTMLInputElement).value)}
              />
              <span class="unit" aria-hidden="true">MiB</span>
            </span>
            <div class="buttons">
              <button type="submit" data-testid="memory-limit-set" ?disabled=${busy}>Set<span class="visually-hidden"> memory limit</span></button>
              <button
                type="button"
                data-testid="memory-limit-remove"
                ?disabled=${busy || inst.memoryLimitMiB === null}
                @click=${() => this._set({ memoryMiB: null })}
              >
                Remove<span class="visually-hidden"> memory</span> limit
              </button>
            </div>
          </div>
          <span class="hint" id="memory-limit-hint"
            >${app.name} needs ${app.memoryMiB >= 1024 ? `${miB(app.memoryMiB)} (${app.memoryMiB} MiB)` : miB(app.memoryMiB)}: below that the kernel's OOM killer ends it each time it starts. Now:
            ${inst.memoryLimitMiB === null ? 'no limit' : `${inst.memoryLimitMiB} MiB`}.</span
          >
          ${this._memory !== '' && Number(this._memory) > 0 && Number(this._memory) < app.memoryMiB
            ? html`<p class="alert" role="status" data-testid="memory-limit-warning">
                ${icon('warning')} ${this._memory} MiB is below the ${miB(app.memoryMiB)} ${app.name} needs: it will be OOM-killed each time it starts.
              </p>`
            : ''}
        </div>
      </form>
    </section>`;
  }

  private _renderData(inst: InstanceView) {
    const every = this.room ? this._interval(this.room.physics.backupIntervalS) : '';
    if (inst.runtime === 'vm') {
      return html`<section class="group" aria-labelledby="data-title">
        <h3 id="data-title">${icon('database')} Its data</h3>
        <p data-testid="instance-data">
          On the VM's own virtual disk, which lasts as long as the VM. A snapshot of the VM (its Migrate, snapshot button) rolls it back, but it lives on the same host: it
          is not a backup.
        </p>
      </section>`;
    }
    const v = inst.volume;
    const unchanged = v !== null && v.backup === this._backup;
    return html`<section class="group" aria-labelledby="data-title">
      <h3 id="data-title">${icon('database')} Its data</h3>
      <p data-testid="instance-data" data-volume=${v ? (v.backup ? 'backup' : 'volume') : 'none'}>
        ${v === null
          ? html`Only in the ${inst.runtime === 'microvm' ? "microVM's disk" : "container's writable layer"}: rebuilt from its image, it starts empty and the data is gone.`
          : v.backup
            ? html`On a volume (network storage), backed up ${every}.
                ${v.lastBackupAtS !== null ? html`Latest backup at simulated <strong>${clockText(v.lastBackupAtS)}</strong>.` : ''}`
            : html`On a volume (network storage): it survives a rebuild or a host failure, but a bad update corrupts it too. A volume is not a backup.`}
      </p>
      <form class="setting" data-testid="volume-form" @submit=${this._onVolume}>
        <label class="choice"
          ><input type="checkbox" data-testid="volume-backup" .checked=${this._backup} @change=${(e: Event) => (this._backup = (e.target as HTMLInputElement).checked)} />
          Back the volume up ${every}, to storage elsewhere</label
        >
        <div class="buttons">
          <button type="submit" data-testid="volume-attach" ?disabled=${this._action.busy || unchanged}>
            ${v === null ? 'Put its data on a volume' : 'Save backup setting'}
          </button>
        </div>
        ${v === null ? html`<p class="hint">It restarts once with the volume mounted. Volumes and backups cost a little per hour.</p>` : ''}
      </form>
    </section>`;
  }

  private _interval(s: number): string {
    return s % 60 === 0 ? `every ${s / 60} simulated min` : `every ${s} simulated s`;
  }

  private _onCpuLimit(e: Event) {
    e.preventDefault();
    if (!(e.target as HTMLFormElement).reportValidity()) return;
    void this._set({ cpu: Number(this._cpu) });
  }

  private _onWeight(e: Event) {
    e.preventDefault();
    if (!(e.target as HTMLFormElement).reportValidity()) return;
    void this._set({ weight: Number(this._weight) });
  }

  private _onMemory(e: Event) {
    e.preventDefault();
    if (!(e.target as HTMLFormElement).reportValidity()) return;
    void this._set({ memoryMiB: Number(this._memory) });
  }

  /** Sends one cgroup setting; the others are left out, so they stay as they are. */
  private async _set(limits: { cpu?: number | null; weight?: number; memoryMiB?: number | null }) {
    if (!this._id) return;
    if (await this._action.run({ type: 'setLimits', instanceId: this._id, ...limits })) this._dialog.close();
  }

  private async _onVolume(e: Event) {
    e.preventDefault();
    if (!this._id) return;
    if (await this._action.run({ type: 'attachVolume', instanceId: this._id, backup: this._backup })) this._dialog.close();
  }

  private async _onRemove() {
    if (!this._id) return;
    if (await this._action.run({ type: 'remove', instanceId: this._id })) this._dialog.close();
  }

  private _onDismiss(e: Event) {
    e.stopPropagation();
    this._action.clear();
  }

  private _onClose() {
    this._id = null;
    this._action.clear();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-instance-dialog': InstanceDialog;
  }
}
