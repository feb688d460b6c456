import type { Concept } from '../../shared/engine/concepts.ts';
import type { RoomEvent } from '../../shared/replay/log.ts';
import type { Mode, RosterEntry } from '../../shared/views/index.ts';

export const TEAM_NAMES = ['Red', 'Blue', 'Green', 'Gold', 'Purple', 'Orange', 'Teal', 'Pink', 'Silver', 'Navy', 'Lime', 'Coral'];

export const teamName = (i: number): string => `${TEAM_NAMES[i % TEAM_NAMES.length]} team`;

export type Role = 'student' | 'teacher' | 'projector';

/** Where a seat stands: someone is on it, it waits for its player to come back, or it is left. */
export type SeatStatus = RosterEntry['status'];

export interface Player {
  readonly id: string;
  readonly nickname: string;
  /** The nickname folded for uniqueness (see nickname.ts). */
  readonly key: string;
  readonly resumeToken: string;
  readonly deviceId: string | null;
  teamId: string | null;
  /** Took at least one action (accepted or refused): such a seat is never freed for being idle. */
  active: boolean;
  readonly conns: Set<string>;
  /** When its last connection went away (or it was seated or restored). */
  lastSeenMs: number;
}

export interface Connection {
  readonly id: string;
  readonly role: Role;
  readonly playerId: string | null;
  /** The cluster a teacher connection is watching. */
  watching: string | null;
}

export interface Team {
  readonly id: string;
  readonly name: string;
}

/** The roster as a snapshot keeps it (no connections: those do not survive a restart). */
export interface RosterState {
  readonly players: readonly { id: string; nickname: string; key: string; resumeToken: string; deviceId: string | null; teamId: string | null; active?: boolean }[];
  readonly bans: { readonly tokens: readonly string[]; readonly devices: readonly string[]; readonly names: readonly string[] };
  readonly teams: readonly Team[];
  readonly rejections: Partial<Record<Concept, number>>;
}

export interface RosterOptions {
  readonly mode: Mode;
  /** A seat with no connection is "reconnecting" this long, then "offline". */
  readonly reconnectGraceMs: number;
}

/**
 * Who is in a room: players and their seats, the connections on them, teams, bans and the
 * class's refusals by concept. It is the one place that knows connection membership; the room
 * changes it only from its serial queue. Seats, teams and bans change only through room events,
 * so replaying the log rebuilds it exactly.
 */
export class Roster {
  private readonly players = new Map<string, Player>();
  private readonly byToken = new Map<string, string>();
  private readonly conns = new Map<string, Connection>();
  private readonly bans = { tokens: new Set<string>(), devices: new Set<string>(), names: new Set<string>() };
  private readonly teamList: Team[] = [];
  private readonly refusals = new Map<Concept, number>();

  constructor(private readonly options: RosterOptions) {}

  // ---- room events (live and on replay) -----------------------------------------------------

  /** Applies a room event; `now` stamps a new seat's presence. */
  apply(event: RoomEvent, now: number): void {
    switch (event.type) {
      case 'room:seat': {
        const player: Player = { id: event.playerId, nickname: event.nickname, key: event.key, resumeToken: event.resumeToken, deviceId: event.deviceId, teamId: null, active: false, conns: new Set(), lastSeenMs: now };
        this.players.set(player.id, player);
        this.byToken.set(player.resumeToken, player.id);
        break;
      }
      case 'room:team': {
        const player = this.players.get(event.playerId);
        if (player) player.teamId = event.teamId;
        break;
      }
      case 'room:teams':
        this.teamList.splice(0, this.teamList.length, ...event.teams.map((t) => ({ id: t.id, name: t.name })));
        break;
      case 'room:ban': {
        const player = this.players.get(event.playerId);
        if (!player) break;
        // The ban outlives a refresh: the seat's token, the device and the nickname are all refused.
        this.bans.tokens.add(player.resumeToken);
        if (player.deviceId) this.bans.devices.add(player.deviceId);
        this.bans.names.add(player.key);
        this.remove(player);
        break;
      }
      case 'room:unseat': {
        const player = this.players.get(event.playerId);
        if (player) this.remove(player);
        break;
      }
      case 'room:refused': {
        const player = this.players.get(event.playerId);
        if (player) player.active = true;
        if (event.concept) this.refusals.set(event.concept, (this.refusals.get(event.concept) ?? 0) + 1);
        break;
      }
      case 'room:act':
      case 'room:answer': {
        // Answering a concept check is doing something too: the seat and its answers are kept.
        const player = this.players.get(event.playerId);
        if (player) player.active = true;
        break;
      }
      default: {
        const never: never = event;
        throw new Error(`unknown room event ${JSON.stringify(never)}`);
      }
    }
  }

  private remove(player: Player): void {
    for (const connId of player.conns) this.conns.delete(connId);
    this.players.delete(player.id);
    this.byToken.delete(player.resumeToken);
  }

  // ---- seats ---------------------------------------------------------------------------------

  get size(): number {
    return this.players.size;
  }

  player(playerId: string): Player | undefined {
    return this.players.get(playerId);
  }

  byResumeToken(token: string | undefined): Player | undefined {
    if (!token) return undefined;
    const id = this.byToken.get(token);
    return id === undefined ? undefined : this.players.get(id);
  }

  all(): IterableIterator<Player> {
    return this.players.values();
  }

  /** Why a person may not sit down here, if the teacher removed them. */
  banned(who: { resumeToken?: string; deviceId?: string; key?: string }): 'seat' | 'device' | 'name' | null {
    if (who.resumeToken && this.bans.tokens.has(who.resumeToken)) return 'seat';
    if (who.deviceId && this.bans.devices.has(who.deviceId)) return 'device';
    if (who.key && this.bans.names.has(who.key)) return 'name';
    return null;
  }

  get bannedCount(): number {
    return this.bans.tokens.size;
  }

  nicknameTaken(key: string): boolean {
    for (const p of this.players.values()) if (p.key === key) return true;
    return false;
  }

  /** The cluster a player plays on: their own (solo) or their team's. */
  clusterOf(player: Player): string | null {
    return this.options.mode === 'solo' ? player.id : player.teamId;
  }

  status(player: Player, now: number): SeatStatus {
    if (player.conns.size > 0) return 'online';
    return now - player.lastSeenMs < this.options.reconnectGraceMs ? 'reconnecting' : 'offline';
  }

  /** Seats in the lobby that never did anything and have had nobody on them for `graceMs`. */
  idleSeats(now: number, graceMs: number): Player[] {
    return [...this.players.values()].filter((p) => !p.active && p.conns.size === 0 && now - p.lastSeenMs >= graceMs);
  }

  entries(now: number): RosterEntry[] {
    return [...this.players.values()].map((p) => ({ playerId: p.id, nickname: p.nickname, clusterId: this.clusterOf(p) ?? '', teamId: p.teamId, status: this.status(p, now) }));
  }

  names(): string[] {
    return [...this.players.values()].map((p) => p.nickname);
  }

  // ---- teams ---------------------------------------------------------------------------------

  get teams(): readonly Team[] {
    return this.teamList;
  }

  team(teamId: string): Team | undefined {
    return this.teamList.find((t) => t.id === teamId);
  }

  /** The team with the fewest players (the first of equals), for a newcomer. */
  smallestTeam(): Team | undefined {
    let best: Team | undefined;
    let fewest = Infinity;
    for (const team of this.teamList) {
      let n = 0;
      for (const p of this.players.values()) if (p.teamId === team.id) n++;
      if (n < fewest) [best, fewest] = [team, n];
    }
    return best;
  }

  /** Teams someone is on: in team mode a team nobody is on is not a contender. */
  seatedTeams(): Set<string> {
    const ids = new Set<string>();
    for (const p of this.players.values()) if (p.teamId) ids.add(p.teamId);
    return ids;
  }

  /** Players per team, for teams someone is on. */
  teamSizes(): Map<string, number> {
    const sizes = new Map<string, number>();
    for (const p of this.players.values()) if (p.teamId) sizes.set(p.teamId, (sizes.get(p.teamId) ?? 0) + 1);
    return sizes;
  }

  /** The class's refusals by concept, for the teacher's view. */
  rejections(): Partial<Record<Concept, number>> {
    return Object.fromEntries(this.refusals) as Partial<Record<Concept, number>>;
  }

  // ---- connections ---------------------------------------------------------------------------

  connection(connId: string): Connection | undefined {
    return this.conns.get(connId);
  }

  connections(): IterableIterator<Connection> {
    return this.conns.values();
  }

  /** Puts a connection in the room (a student on a seat, or the teacher's or projector's screen). */
  attach(connId: string, role: Role, player: Player | null, now: number): Connection {
    this.detach(connId, now);
    const conn: Connection = { id: connId, role, playerId: player?.id ?? null, watching: null };
    this.conns.set(connId, conn);
    if (player) {
      player.conns.add(connId);
      player.lastSeenMs = now;
    }
    return conn;
  }

  /** Takes a connection out of the room; its seat, if it had one, waits for it. */
  detach(connId: string, now: number): Connection | undefined {
    const conn = this.conns.get(connId);
    if (!conn) return undefined;
    this.conns.delete(connId);
    const player = conn.playerId ? this.players.get(conn.playerId) : undefined;
    if (player) {
      player.conns.delete(connId);
      player.lastSeenMs = now;
    }
    return conn;
  }

  counts(): Record<Role, number> {
    const counts = { student: 0, teacher: 0, projector: 0 };
    for (const c of this.conns.values()) counts[c.role]++;
    return counts;
  }

  // ---- snapshots -----------------------------------------------------------------------------

  capture(): RosterState {
    return {
      players: [...this.players.values()].map((p) => ({ id: p.id, nickname: p.nickname, key: p.key, resumeToken: p.resumeToken, deviceId: p.deviceId, teamId: p.teamId, active: p.active })),
      bans: { tokens: [...this.bans.tokens], devices: [...this.bans.devices], names: [...this.bans.names] },
      teams: this.teamList.map((t) => ({ id: t.id, name: t.name })),
      rejections: this.rejections(),
    };
  }

  /** Every seat comes back with nobody on it: its player reconnects with the resume token. */
  load(saved: RosterState, now: number): void {
    this.players.clear();
    this.byToken.clear();
    this.conns.clear();
    for (const p of saved.players) {
      // Snapshots from before `active` was kept: treat every seat as active, so none is freed.
      this.players.set(p.id, { ...p, active: p.active ?? true, conns: new Set(), lastSeenMs: now });
      this.byToken.set(p.resumeToken, p.id);
    }
    for (const [set, values] of [
      [this.bans.tokens, saved.bans.tokens],
      [this.bans.devices, saved.bans.devices],
      [this.bans.names, saved.bans.names],
    ] as const) {
      set.clear();
      values.forEach((v) => set.add(v));
    }
    this.teamList.splice(0, this.teamList.length, ...saved.teams.map((t) => ({ id: t.id, name: t.name })));
    this.refusals.clear();
    for (const [concept, n] of Object.entries(saved.rejections)) if (typeof n === 'number') this.refusals.set(concept as Concept, n);
  }
}
