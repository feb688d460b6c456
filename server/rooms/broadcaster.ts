import type { SimState } from '../../shared/engine/types.ts';
import type { Mode, StudentView } from '../../shared/views/index.ts';
import type { EventBanner, SpikeHits } from '../../shared/views/index.ts';
import { bannersWithImpact, clusterDetail, encodeView, projectorView, standings, studentView, teacherView, type SentFields } from '../../shared/views/index.ts';
import type { ServerToClientEvents } from '../../shared/protocol/index.ts';
import type { Roster } from './roster.ts';

/** How a room reaches its connections; the socket layer implements it, tests use an in-memory one. */
export interface RoomTransport {
  send<E extends keyof ServerToClientEvents>(connId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Tells the connection why it is out of the room, then drops it. */
  drop(connId: string, notice: Parameters<ServerToClientEvents['room:left']>[0]): void;
}

export interface BroadcastInput {
  readonly state: SimState;
  readonly roster: Roster;
  readonly references: StudentView['references'];
  readonly now: number;
  /** Real seconds left of the start countdown (0: none). */
  readonly countdown?: number;
  /** What the room saw of each traffic spike, for the banners' impact. */
  readonly spikes?: SpikeHits;
}

interface Sent {
  readonly fields: SentFields;
  /** The watched cluster's detail as last sent, as JSON. */
  cluster: string;
}

/**
 * Sends every connection of a room its own view, as a patch against the last one it got, and
 * nothing when nothing changed: most seconds only the clock and the score move, so a class's
 * updates stay small on classroom Wi-Fi.
 */
export class Broadcaster {
  private readonly sent = new Map<string, Sent>();
  private seq = 0;

  constructor(
    private readonly code: string,
    private readonly mode: Mode,
    private readonly transport: RoomTransport,
  ) {}

  /** A connection left or came back: its next view is whole. */
  forget(connId: string): void {
    this.sent.delete(connId);
  }

  /** The teacher chose another cluster to watch: send its detail afresh. */
  rewatch(connId: string): void {
    const sent = this.sent.get(connId);
    if (sent) sent.cluster = '';
  }

  flush({ state, roster, references, now, countdown = 0, spikes }: BroadcastInput): void {
    const seq = ++this.seq;
    const seated = this.mode === 'teams' ? roster.seatedTeams() : null;
    const board = standings(state, seated ? (id) => seated.has(id) : undefined);
    let rosterEntries: ReturnType<Roster['entries']> | null = null;
    let names: string[] | null = null;
    // Shared by the teacher's and the projector's screens, computed once a round and only for them.
    let banners: EventBanner[] | null = null;
    const bannersNow = () => (banners ??= bannersWithImpact(state, board, spikes));
    for (const conn of roster.connections()) {
      let sent = this.sent.get(conn.id);
      if (!sent) this.sent.set(conn.id, (sent = { fields: new Map(), cluster: '' }));
      if (conn.role === 'student') {
        const player = conn.playerId ? roster.player(conn.playerId) : undefined;
        const clusterId = player ? roster.clusterOf(player) : null;
        if (!player || !clusterId || !Object.hasOwn(state.clusters, clusterId)) continue;
        const teamName = (player.teamId && roster.team(player.teamId)?.name) || null;
        const view = studentView(state, { code: this.code, seq: 0, standings: board, you: { playerId: player.id, nickname: player.nickname, clusterId, teamName }, references, countdown });
        this.emit(conn.id, 'view:student', encodeView(sent.fields, view, seq));
      } else if (conn.role === 'teacher') {
        rosterEntries ??= roster.entries(now);
        const view = teacherView(state, {
          code: this.code,
          seq: 0,
          mode: this.mode,
          standings: board,
          roster: rosterEntries,
          teams: roster.teams,
          rejections: roster.rejections(),
          banned: roster.bannedCount,
          countdown,
          banners: bannersNow(),
        });
        this.emit(conn.id, 'view:teacher', encodeView(sent.fields, view, seq));
        if (conn.watching) {
          const detail = clusterDetail(state, conn.watching);
          const json = JSON.stringify(detail);
          if (detail && json !== sent.cluster) {
            sent.cluster = json;
            this.transport.send(conn.id, 'view:cluster', detail);
          }
        }
      } else {
        names ??= roster.names();
        const view = projectorView(state, {
          code: this.code,
          seq: 0,
          mode: this.mode,
          standings: board,
          names,
          countdown,
          members: this.mode === 'teams' ? roster.teamSizes() : undefined,
          rejections: roster.rejections(),
          references,
          banners: bannersNow(),
        });
        this.emit(conn.id, 'view:projector', encodeView(sent.fields, view, seq));
      }
    }
  }

  private emit<E extends 'view:student' | 'view:teacher' | 'view:projector'>(connId: string, event: E, patch: Parameters<ServerToClientEvents[E]>[0] | null): void {
    if (patch) (this.transport.send as (id: string, e: E, p: unknown) => void)(connId, event, patch);
  }
}
