import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ClusterView, RoomStatic } from '../../../shared/views/types.ts';
import { act } from '../lib/events.ts';
import { RUNTIME_LABEL, STATUS_LABEL, clockText, pct } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

/**
 * One instance's details, with its actions: set or clear a CPU limit (containers) and remove it.
 *
 * @fires cc-act - setLimits or remove
 */
@customElement('cc-instance-dialog')
export class InstanceDialog extends LitElement {
  static override styles = [
    base,
    css`
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.2rem 0.8rem;
        margin: 0 0 0.75rem;
      }
      dt {
        font-weight: 700;
      }
      dd {
        margin: 0;
      }
      .limit {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: flex-end;
      }
      .limit input {
        width: 7rem;
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
  @state() private _id: string | null = null;
  @state() private _limit = '';
  @query('dialog') private _dialog!: HTMLDialogElement;

  async show(instanceId: string): Promise<void> {
    this._id = instanceId;
    const inst = this.cluster?.instances.find((i) => i.id === instanceId);
    this._limit = inst?.cpuLimit !== null && inst?.cpuLimit !== undefined ? String(inst.cpuLimit) : '';
    await this.updateComplete;
    this._dialog.showModal();
  }

  override render() {
    const inst = this.cluster?.instances.find((i) => i.id === this._id);
    const app = this.room?.scenario.apps.find((a) => a.id === inst?.appId);
    const where = inst ? (inst.vmId && inst.runtime === 'container' ? `VM ${inst.vmId} on ${inst.hostId}` : inst.hostId) : '';
    return html`<dialog aria-labelledby="inst-title" data-testid="instance-dialog" @close=${() => (this._id = null)}>
      ${inst
        ? html`<h2 id="inst-title">${app?.name ?? inst.appId} <span class="hint">(${inst.id})</span></h2>
            <dl>
              <dt>Runs as</dt>
              <dd>${RUNTIME_LABEL[inst.runtime]}</dd>
              <dt>On</dt>
              <dd>${where}</dd>
              <dt>State</dt>
              <dd data-testid="instance-dialog-status">${STATUS_LABEL[inst.status] ?? inst.status}</dd>
              <dt>Serving from</dt>
              <dd>${clockText(inst.upAtS)}</dd>
              <dt>CPU it gets</dt>
              <dd>${pct(inst.perf)} of what it needs</dd>
            </dl>
            ${inst.runtime === 'container'
              ? html`<form class="limit" @submit=${this._onLimit}>
                  <div class="field" style="margin:0">
                    <label for="cpu-limit">CPU limit (cores)</label>
                    <input
                      id="cpu-limit"
                      type="number"
                      min="0.1"
                      max="64"
                      step="0.1"
                      placeholder="none"
                      data-testid="cpu-limit"
                      .value=${this._limit}
                      @input=${(e: Event) => (this._limit = (e.target as HTMLInputElement).value)}
                    />
                  </div>
                  <button type="submit" data-testid="cpu-limit-set">Set limit</button>
                  <button type="button" ?disabled=${inst.cpuLimit === null} @click=${this._onClearLimit}>No limit</button>
                </form>
                <p class="hint">A limit (a cgroup) stops this container from starving its neighbours on a shared kernel.</p>`
              : html`<p class="hint">A ${RUNTIME_LABEL[inst.runtime]}'s vCPUs are its own: no limit needed.</p>`}
            <div class="actions">
              <button type="button" class="danger" data-testid="instance-remove" @click=${this._onRemove}>Remove ${inst.id}</button>
              <button type="button" @click=${() => this._dialog.close()}>Close</button>
            </div>`
        : html`<h2 id="inst-title">Instance gone</h2>
            <p>It is no longer in your cluster.</p>
            <button type="button" @click=${() => this._dialog.close()}>Close</button>`}
    </dialog>`;
  }

  private _onLimit(e: Event) {
    e.preventDefault();
    const cpu = Number(this._limit);
    if (!this._id || !(cpu > 0)) return;
    act(this, { type: 'setLimits', instanceId: this._id, cpu });
    this._dialog.close();
  }

  private _onClearLimit() {
    if (!this._id) return;
    act(this, { type: 'setLimits', instanceId: this._id, cpu: null });
    this._dialog.close();
  }

  private _onRemove() {
    if (!this._id) return;
    act(this, { type: 'remove', instanceId: this._id });
    this._dialog.close();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-instance-dialog': InstanceDialog;
  }
}
