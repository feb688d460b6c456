import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Os, ScenarioEvent } from '../../../shared/engine/types.ts';
import type { DistributiveOmit } from '../../../shared/engine/types.ts';
import type { RoomStatic } from '../../../shared/views/types.ts';
import { hostCommand } from '../lib/events.ts';
import { DEFAULT_SPEED, realDuration, realSeconds } from '../../../shared/views/pace.ts';
import { EVENT_LABEL, OS_LABEL } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

type EventType = ScenarioEvent['type'];
type LiveEvent = DistributiveOmit<ScenarioEvent, 'atS'>;

const TYPES: readonly EventType[] = ['trafficSpike', 'noisyNeighbour', 'kernelExploit', 'hypervisorEscape', 'hostFailure', 'patchDay', 'complianceAudit', 'dataLoss'];

const WHAT: Record<EventType, string> = {
  trafficSpike: "Multiplies an app's demand for a while: who can add capacity fast?",
  noisyNeighbour: 'An app burns several times its CPU: who shares CPUs with it without limits?',
  kernelExploit: 'Untrusted code escapes to every kernel of that OS it shares.',
  hypervisorEscape: "Untrusted code in a guest breaks out to the host and its other guests.",
  hostFailure: 'The host dies; everything on it is gone until placed again.',
  patchDay: 'Every kernel of that OS is patched and rebooted, host by host.',
  complianceAudit: 'Regulated data must not share a kernel with untrusted code.',
  dataLoss: "A bad update or ransomware corrupts an app's data: who has a backup or a snapshot to restore?",
};

/**
 * Injects any scenario event live, with its parameters: app and host pickers from the scenario,
 * factor, duration and OS.
 *
 * @fires cc-host-command - host:inject
 */
@customElement('cc-event-injector')
export class EventInjector extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: 0 0.75rem;
        grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
        align-items: end;
      }
      .what {
        grid-column: 1 / -1;
      }
      select,
      input {
        width: 100%;
      }
      .go {
        grid-column: 1 / -1;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property() phase = 'lobby';
  /** The room's speed, to say what a simulated duration lasts in the classroom. */
  @property({ type: Number }) speed = DEFAULT_SPEED;
  @state() private _type: EventType = 'kernelExploit';
  @state() private _appId = '';
  @state() private _hostId = '';
  @state() private _os: Os = 'linux';
  @state() private _factor = 3;
  @state() private _durationS = 60;

  override render() {
    const room = this.room;
    if (!room) return html``;
    const t = this._type;
    const live = this.phase === 'running' || this.phase === 'paused';
    const appId = this._appId || room.scenario.apps[0]?.id || '';
    const hostId = this._hostId || room.scenario.hosts[0]?.id || '';
    return html`<form @submit=${this._onSubmit} data-testid="injector">
      <div class="field">
        <label for="ev-type">Event</label>
        <select id="ev-type" data-testid="inject-type" .value=${t} @change=${(e: Event) => (this._type = (e.target as HTMLSelectElement).value as EventType)}>
          ${TYPES.map((type) => html`<option value=${type} ?selected=${type === t}>${EVENT_LABEL[type]}</option>`)}
        </select>
      </div>
      ${t === 'dataLoss'
        ? html`<div class="field">
            <label for="ev-app">App</label>
            <select id="ev-app" data-testid="inject-app" .value=${appId} @change=${(e: Event) => (this._appId = (e.target as HTMLSelectElement).value)}>
              ${room.scenario.apps.map((a) => html`<option value=${a.id} ?selected=${a.id === appId}>${a.name}</option>`)}
            </select>
          </div>`
        : ''}
      ${t === 'trafficSpike' || t === 'noisyNeighbour'
        ? html`<div class="field">
              <label for="ev-app">App</label>
              <select id="ev-app" data-testid="inject-app" .value=${appId} @change=${(e: Event) => (this._appId = (e.target as HTMLSelectElement).value)}>
                ${room.scenario.apps.map((a) => html`<option value=${a.id} ?selected=${a.id === appId}>${a.name}</option>`)}
              </select>
            </div>
            <div class="field">
              <label for="ev-factor">Factor (×)</label>
              <input
                id="ev-factor"
                type="number"
                min="0.1"
                max="100"
                step="0.1"
                required
                data-testid="inject-factor"
                .value=${String(this._factor)}
                @input=${(e: Event) => (this._factor = Number((e.target as HTMLInputElement).value))}
              />
            </div>
            <div class="field">
              <label for="ev-duration">Duration (sim. s)</label>
              <input
                id="ev-duration"
                type="number"
                min="1"
                max="86400"
                step="1"
                required
                data-testid="inject-duration"
                .value=${String(this._durationS)}
                aria-describedby="ev-duration-real"
                @input=${(e: Event) => (this._durationS = Number((e.target as HTMLInputElement).value))}
              />
            </div>
            <p class="what" id="ev-duration-real">
              <strong>${this._durationS > 0 ? `${this._durationS} simulated s:` : ''}</strong>
              <span data-testid="inject-duration-real">${this._durationS > 0 ? `about ${realDuration(realSeconds(this._durationS, this.speed))} in real time at this pace` : ''}</span>
            </p>`
        : ''}
      ${t === 'kernelExploit' || t === 'patchDay'
        ? html`<div class="field">
            <label for="ev-os">Kernel OS</label>
            <select id="ev-os" data-testid="inject-os" .value=${this._os} @change=${(e: Event) => (this._os = (e.target as HTMLSelectElement).value as Os)}>
              ${(['linux', 'windows'] as const).map((os) => html`<option value=${os} ?selected=${os === this._os}>${OS_LABEL[os]}</option>`)}
            </select>
          </div>`
        : ''}
      ${t === 'hypervisorEscape' || t === 'hostFailure'
        ? html`<div class="field">
            <label for="ev-host">Host</label>
            <select id="ev-host" data-testid="inject-host" .value=${hostId} @change=${(e: Event) => (this._hostId = (e.target as HTMLSelectElement).value)}>
              ${room.scenario.hosts.map((h) => html`<option value=${h.id} ?selected=${h.id === hostId}>${h.name}</option>`)}
            </select>
          </div>`
        : ''}
      <p class="what hint">${WHAT[t]}</p>
      <div class="go">
        <button type="submit" class="primary" data-testid="inject-submit" ?disabled=${!live}>Inject ${EVENT_LABEL[t]?.toLowerCase()}</button>
        ${live
          ? ''
          : html`<span class="hint" data-testid="inject-when"
              >${this.phase === 'lobby' ? 'Events can be injected once the session is running.' : 'The run is over: no more events.'}</span
            >`}
      </div>
    </form>`;
  }

  private _event(): LiveEvent {
    const appId = this._appId || this.room?.scenario.apps[0]?.id || '';
    const hostId = this._hostId || this.room?.scenario.hosts[0]?.id || '';
    switch (this._type) {
      case 'trafficSpike':
      case 'noisyNeighbour':
        return { type: this._type, appId, factor: this._factor, durationS: this._durationS };
      case 'kernelExploit':
      case 'patchDay':
        return { type: this._type, os: this._os };
      case 'hypervisorEscape':
      case 'hostFailure':
        return { type: this._type, hostId };
      case 'complianceAudit':
        return { type: 'complianceAudit' };
      case 'dataLoss':
        return { type: 'dataLoss', appId };
      default: {
        const never: never = this._type;
        throw new Error(`unknown event type ${String(never)}`);
      }
    }
  }

  private _onSubmit(e: Event) {
    e.preventDefault();
    if (!(e.target as HTMLFormElement).reportValidity()) return;
    hostCommand(this, { event: 'host:inject', payload: { event: this._event() } });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-event-injector': EventInjector;
  }
}
