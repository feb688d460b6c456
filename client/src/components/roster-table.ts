import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Mode, RosterEntry, TeacherView } from '../../../shared/views/types.ts';
import { emit, hostCommand } from '../lib/events.ts';
import { icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import type { ConfirmDialog } from './confirm-dialog.ts';
import './confirm-dialog.ts';

const STATUS_TEXT = { online: 'online', reconnecting: 'reconnecting…', offline: 'offline' } as const;

/**
 * Who is in the room, with their connection state; watch a student's cluster, kick a student
 * (after a confirmation) and, in team mode, assign teams or balance them.
 *
 * @fires cc-host-command - host:kick, host:team, host:balance
 * @fires cc-watch - watch a cluster ({clusterId})
 */
@customElement('cc-roster-table')
export class RosterTable extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .wrap {
        overflow-x: auto;
      }
      .status {
        display: inline-flex;
        align-items: center;
        gap: 0.3em;
        font-weight: 700;
        white-space: nowrap;
      }
      .online {
        color: var(--cc-ok);
      }
      .reconnecting {
        color: var(--cc-warn);
      }
      .offline {
        color: var(--cc-off);
      }
      .name {
        overflow-wrap: anywhere;
        font-weight: 600;
      }
      tr.watching {
        background: var(--cc-accent-soft);
      }
      td.actions {
        white-space: nowrap;
      }
      .balance {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin-bottom: 0.6rem;
      }
      .balance input {
        width: 5rem;
      }
      select {
        min-height: 2rem;
        padding: 0.1em 0.3em;
      }
      .empty {
        color: var(--cc-muted);
      }
      ul.teams {
        list-style: none;
        margin: 0 0 0.6rem;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
      }
      ul.teams li {
        background: var(--cc-surface-2);
        border-radius: 999px;
        padding: 0.15rem 0.7rem;
        display: inline-flex;
        gap: 0.3em;
        align-items: center;
      }
      ul.teams .n {
        font-weight: 800;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @property({ attribute: false }) roster: readonly RosterEntry[] = [];
  @property({ attribute: false }) teams: TeacherView['teams'] = [];
  @property() mode: Mode = 'solo';
  @property() watching: string | null = null;
  /** The count typed for auto-balance; until then, the room's own number of teams. */
  @state() private _teamCount: number | null = null;
  @query('cc-confirm-dialog') private _confirm!: ConfirmDialog;

  override render() {
    return html`
      ${this.mode === 'teams'
        ? html`<form class="balance" @submit=${this._onBalance}>
            <div class="field" style="margin:0">
              <label for="team-count">Teams</label>
              <input
                id="team-count"
                type="number"
                min="2"
                max="12"
                data-testid="team-count"
                .value=${String(this._teamCount ?? Math.min(12, Math.max(2, this.teams.length)))}
                @input=${(e: Event) => (this._teamCount = Number((e.target as HTMLInputElement).value))}
              />
            </div>
            <button type="submit" data-testid="balance-teams">Auto-balance teams</button>
          </form>
          ${this._teamSummary()}`
        : ''}
      ${this.roster.length === 0
        ? html`<p class="empty" data-testid="roster-empty">Nobody has joined yet. Share the code on the projector.</p>`
        : html`<div class="wrap" tabindex="0" role="region" aria-label="Students">
            <table data-testid="roster">
              <caption class="visually-hidden">Students in this room</caption>
              <thead>
                <tr>
                  <th scope="col">Student</th>
                  <th scope="col">Connection</th>
                  ${this.mode === 'teams' ? html`<th scope="col">Team</th>` : ''}
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${this.roster.map((p) => this._row(p))}
              </tbody>
            </table>
          </div>`}
      <cc-confirm-dialog></cc-confirm-dialog>
    `;
  }

  /** Teams with members, as the projector shows them: a team nobody is in is not a team yet. */
  private _teamSummary() {
    const counts = new Map<string, number>();
    for (const p of this.roster) if (p.teamId) counts.set(p.teamId, (counts.get(p.teamId) ?? 0) + 1);
    const teams = this.teams.filter((t) => counts.has(t.id));
    if (teams.length === 0) return '';
    return html`<ul class="teams" data-testid="team-summary" aria-label="Teams">
      ${teams.map(
        (t) => html`<li data-testid="team-chip" data-team=${t.id}>${icon('users')} ${t.name} <span class="n">${counts.get(t.id)}</span><span class="visually-hidden"> ${counts.get(t.id) === 1 ? 'student' : 'students'}</span></li>`,
      )}
    </ul>`;
  }

  private _row(p: RosterEntry) {
    const watching = this.watching === p.clusterId;
    return html`<tr class=${watching ? 'watching' : ''} data-testid="roster-row" data-player=${p.playerId} data-nickname=${p.nickname} data-status=${p.status}>
      <th scope="row" class="name">${p.nickname}</th>
      <td>
        <span class="status ${p.status}" data-testid="roster-status">${icon(p.status === 'online' ? 'dot' : p.status === 'offline' ? 'cross' : 'ring')} ${STATUS_TEXT[p.status]}</span>
      </td>
      ${this.mode === 'teams'
        ? html`<td>
            <label class="visually-hidden" for="team-${p.playerId}">Team of ${p.nickname}</label>
            <select id="team-${p.playerId}" data-testid="team-select" .value=${p.teamId ?? ''} @change=${(e: Event) => this._onTeam(p, e)}>
              ${p.teamId === null ? html`<option value="">none</option>` : ''}
              ${this.teams.map((t) => html`<option value=${t.id} ?selected=${t.id === p.teamId}>${t.name}</option>`)}
            </select>
          </td>`
        : ''}
      <td class="actions">
        <button type="button" class="small" data-testid="watch" aria-pressed=${String(watching)} @click=${() => this._onWatch(p)}>
          ${watching ? 'Watching' : 'Watch'}<span class="visually-hidden"> ${p.nickname}</span>
        </button>
        <button type="button" class="small danger" data-testid="kick" @click=${() => this._onKick(p)}>Kick<span class="visually-hidden"> ${p.nickname}</span></button>
      </td>
    </tr>`;
  }

  private _onWatch(p: RosterEntry) {
    emit(this, 'cc-watch', { clusterId: this.watching === p.clusterId ? null : p.clusterId });
  }

  private async _onKick(p: RosterEntry) {
    const ok = await this._confirm.ask({
      title: `Remove ${p.nickname}?`,
      message: `${p.nickname} leaves the session and cannot join it again from this device.`,
      confirm: `Kick ${p.nickname}`,
    });
    if (ok) hostCommand(this, { event: 'host:kick', payload: { playerId: p.playerId } });
  }

  private _onTeam(p: RosterEntry, e: Event) {
    const teamId = (e.target as HTMLSelectElement).value;
    if (teamId) hostCommand(this, { event: 'host:team', payload: { playerId: p.playerId, teamId } });
  }

  private _onBalance(e: Event) {
    e.preventDefault();
    const teams = Math.min(12, Math.max(2, Math.round(this._teamCount ?? this.teams.length) || 2));
    hostCommand(this, { event: 'host:balance', payload: { teams } });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-roster-table': RosterTable;
  }
  interface HTMLElementEventMap {
    'cc-watch': CustomEvent<{ clusterId: string | null }>;
  }
}
