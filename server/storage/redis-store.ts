import { RedisLink, type LinkErrors, type RedisClient, type RedisLinkOptions } from './redis-link.ts';
import {
  checkBatch,
  checkSnapshot,
  checkTtl,
  StoreError,
  type LogEntry,
  type Replay,
  type RoomMeta,
  type RoomStore,
  type Snapshot,
  type SnapshotInfo,
  type StoreErrorCode,
  type StoreStatus,
} from './store.ts';

/*
 * Key layout (docs/STORAGE.md has the long form). The braces are literal: a Redis Cluster hash
 * tag, so one room's keys, and one replay's, share a slot.
 *
 *   cc:rooms                      set     codes of live rooms
 *   cc:room:{CODE}                string  RoomMeta as JSON
 *   cc:log:{CODE}                 stream  entry id `${seq}-0`, fields seq, atMs, action (JSON)
 *   cc:snap:{CODE}                hash    seq -> Snapshot as JSON
 *   cc:snapidx:{CODE}             zset    score seq, member `${seq}:${atS}` (seek without states)
 *   cc:lease:{CODE}               hash    owner, epoch; with the lease's expiry (server/ownership)
 *   cc:epoch:{CODE}               string  the room's last owner's epoch: fenced writes check it
 *   cc:replay:{ID}                hash    code, archivedAtMs                      } all with the
 *   cc:archive:{ID}:meta|log|snap|snapidx  copies of the four room keys above     } replay's TTL
 */
export function redisKeys(prefix = 'cc:') {
  return {
    rooms: `${prefix}rooms`,
    room: (code: string) => `${prefix}room:{${code}}`,
    log: (code: string) => `${prefix}log:{${code}}`,
    snap: (code: string) => `${prefix}snap:{${code}}`,
    snapIndex: (code: string) => `${prefix}snapidx:{${code}}`,
    replay: (id: string) => `${prefix}replay:{${id}}`,
    /** The room's lease (hash owner, epoch, with its expiry) and its last epoch: server/ownership. */
    lease: (code: string) => `${prefix}lease:{${code}}`,
    epoch: (code: string) => `${prefix}epoch:{${code}}`,
    archive: (id: string) => ({
      meta: `${prefix}archive:{${id}}:meta`,
      log: `${prefix}archive:{${id}}:log`,
      snap: `${prefix}archive:{${id}}:snap`,
      snapIndex: `${prefix}archive:{${id}}:snapidx`,
    }),
  };
}

type Keys = ReturnType<typeof redisKeys>;

// The scripts check and write in one step, so no other command sees half of it. Errors start
// with a word that `translate` turns into a StoreError code.

/**
 * Fencing, at the head of every script that writes a room: KEYS[1] is the room's epoch key and
 * ARGV[1] the epoch of the lease the writer holds ('' when rooms have no owners: one process).
 * Both are taken off the front, so the script's own KEYS and ARGV read as documented. A writer
 * whose epoch is no longer the room's last one lost the room to another process: it writes nothing.
 * An epoch key that is gone altogether means Redis lost its data; the writer's epoch is put back.
 */
const FENCE = `
local fenceKey = table.remove(KEYS, 1)
local fence = table.remove(ARGV, 1)
if fence ~= '' then
  local current = redis.call('GET', fenceKey)
  if current == false then
    -- Redis lost the room's keys (FLUSHALL, an empty replica): nobody has taken it since, or the key would be back.
    redis.call('SET', fenceKey, fence)
  elseif current ~= fence then
    return redis.error_reply('FENCED epoch ' .. fence .. ' no longer owns the room')
  end
end
`;

/** KEYS room, log, snap, snapidx, rooms; ARGV code, meta. A new room starts with nothing. */
const CREATE = FENCE + `
if redis.call('SET', KEYS[1], ARGV[2], 'NX') == false then
  return redis.error_reply('EXISTS room ' .. ARGV[1] .. ' exists')
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('SADD', KEYS[5], ARGV[1])
return 1`;

/**
 * KEYS room, log; ARGV code, then seq, atMs, action per entry (seqs already increasing).
 * Every seq is checked against the stream's last one before anything is added: all or nothing.
 */
const APPEND = FENCE + `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM no room ' .. ARGV[1]) end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #last > 0 then
  local top = tonumber(string.match(last[1][1], '^(%d+)'))
  if tonumber(ARGV[2]) <= top then
    return redis.error_reply('BADSEQ room ' .. ARGV[1] .. ': seq ' .. ARGV[2] .. ' is not after ' .. top)
  end
end
for i = 2, #ARGV, 3 do
  redis.call('XADD', KEYS[2], ARGV[i] .. '-0', 'seq', ARGV[i], 'atMs', ARGV[i + 1], 'action', ARGV[i + 2])
end
return (#ARGV - 1) / 3`;

/** KEYS room, snap, snapidx; ARGV code, seq, atS, snapshot JSON. */
const SAVE_SNAPSHOT = FENCE + `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM no room ' .. ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], ARGV[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[2] .. ':' .. ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
return 1`;

/**
 * KEYS room, log, snap, snapidx, replay, then the archive's meta, log, snap, snapidx;
 * ARGV code, replayId, ttlMs, archivedAtMs.
 */
const ARCHIVE = FENCE + `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOROOM no room ' .. ARGV[1]) end
local owner = redis.call('HGET', KEYS[5], 'code')
if owner and owner ~= ARGV[1] then
  return redis.error_reply('TAKEN replay ' .. ARGV[2] .. ' belongs to room ' .. owner)
end
for i = 1, 4 do
  -- COPY leaves the target alone when the source is missing: clear it, or a refresh would keep stale parts.
  if redis.call('COPY', KEYS[i], KEYS[i + 5], 'REPLACE') == 0 then redis.call('DEL', KEYS[i + 5]) end
end
redis.call('HSET', KEYS[5], 'code', ARGV[1], 'archivedAtMs', ARGV[4])
for i = 5, 9 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1`;

/** KEYS room, log, snap, snapidx, rooms; ARGV code. */
const DELETE = FENCE + `
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('SREM', KEYS[5], ARGV[1])
return 1`;

const SCRIPT_ERRORS = { EXISTS: 'room-exists', NOROOM: 'no-room', BADSEQ: 'bad-seq', TAKEN: 'replay-id-taken', FENCED: 'fenced' } as const satisfies Record<string, StoreErrorCode>;

const ERRORS: LinkErrors<StoreError> = {
  type: StoreError,
  refusal: (word, rest) => (Object.hasOwn(SCRIPT_ERRORS, word) ? new StoreError(SCRIPT_ERRORS[word as keyof typeof SCRIPT_ERRORS], rest) : null),
  unavailable: (message, options) => new StoreError('store-unavailable', message, options),
};

/** Entries per XRANGE round trip, so reading a long log never blocks Redis for long. */
const PAGE = 2000;

/** The connection's options (url, timeouts, onError, now, clock) and the room store's own. */
export interface RedisRoomStoreOptions extends Omit<RedisLinkOptions, 'probe'> {
  /** Put before every key; tests give each store a fresh one. */
  readonly prefix?: string;
  /** How often the background probe PINGs Redis, so status() notices a hung server (default 2 s). */
  readonly probeIntervalMs?: number;
  /** A probe not answered within this long marks the store unreachable (default 1 s). */
  readonly probeTimeoutMs?: number;
  /**
   * With several processes: the epoch of this process's lease on a room, or null when it holds
   * none (it must not write). Every write carries it and Redis checks it in the same script step.
   * Unset: one process owns every room, and writes are not fenced.
   */
  readonly fence?: (code: string) => number | null;
}

/**
 * The durable store of rooms. It fails fast, as its RedisLink does: while Redis is unreachable
 * every operation rejects at once with `store-unavailable`. Buffering writes through an outage is
 * the caller's job (BufferedStore).
 */
export class RedisRoomStore implements RoomStore {
  private readonly client: RedisClient;
  private readonly now: () => number;
  private readonly fence: ((code: string) => number | null) | undefined;

  private constructor(
    private readonly link: RedisLink<StoreError>,
    private readonly keys: Keys,
    options: RedisRoomStoreOptions,
  ) {
    this.client = link.client;
    this.now = options.now ?? Date.now;
    this.fence = options.fence;
  }

  static async connect(options: RedisRoomStoreOptions): Promise<RedisRoomStore> {
    // Rooms probe in the background: /health reads this store's status() and must notice a hung Redis.
    const probe = { intervalMs: options.probeIntervalMs ?? 2000, timeoutMs: options.probeTimeoutMs ?? 1000 };
    const link = await RedisLink.connect({ ...options, probe }, ERRORS);
    return new RedisRoomStore(link, redisKeys(options.prefix), options);
  }

  async createRoom(meta: RoomMeta): Promise<void> {
    const k = this.keys;
    const code = meta.code;
    await this.link.op('createRoom', () =>
      this.client.eval(CREATE, this.fenced(code, [k.room(code), k.log(code), k.snap(code), k.snapIndex(code), k.rooms], [code, JSON.stringify(meta)])),
    );
  }

  /** A write script's keys and arguments, behind the room's epoch key and the writer's epoch (FENCE). */
  private fenced(code: string, keys: string[], args: string[]): { keys: string[]; arguments: string[] } {
    let epoch = '';
    if (this.fence) {
      const held = this.fence(code);
      if (held === null) throw new StoreError('fenced', `room ${code}: this process holds no lease on it`);
      epoch = String(held);
    }
    return { keys: [this.keys.epoch(code), ...keys], arguments: [epoch, ...args] };
  }

  async getRoom(code: string): Promise<RoomMeta | null> {
    const json = await this.link.op('getRoom', () => this.client.get(this.keys.room(code)));
    return json === null ? null : (JSON.parse(json) as RoomMeta);
  }

  async append(code: string, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // The script checks the first seq against the stream; the rest are checked here.
    checkBatch(code, entries, 0);
    const args = [code];
    for (const e of entries) args.push(String(e.seq), String(e.atMs), JSON.stringify(e.action));
    // One connection runs commands in the order they were sent, so concurrent appends for a
    // room are kept in call order; nothing is retried behind the caller's back to reorder them.
    await this.link.op('append', () => this.client.eval(APPEND, this.fenced(code, [this.keys.room(code), this.keys.log(code)], args)));
  }

  async readLog(code: string, fromSeq = 0): Promise<LogEntry[]> {
    return this.link.op('readLog', () => this.readStream(this.keys.log(code), fromSeq));
  }

  async saveSnapshot(code: string, snapshot: Snapshot): Promise<void> {
    checkSnapshot(code, snapshot);
    const k = this.keys;
    const json = JSON.stringify({ seq: snapshot.seq, atS: snapshot.atS, state: snapshot.state });
    await this.link.op('saveSnapshot', () =>
      this.client.eval(SAVE_SNAPSHOT, this.fenced(code, [k.room(code), k.snap(code), k.snapIndex(code)], [code, String(snapshot.seq), String(snapshot.atS), json])),
    );
  }

  async latestSnapshot(code: string): Promise<Snapshot | null> {
    return this.link.op('latestSnapshot', async () => {
      const [member] = await this.client.zRange(this.keys.snapIndex(code), 0, 0, { REV: true });
      if (member === undefined) return null;
      const json = await this.client.hGet(this.keys.snap(code), String(parseInfo(member).seq));
      // null only if the room was deleted between the two reads.
      return json === null ? null : (JSON.parse(json) as Snapshot);
    });
  }

  async getSnapshot(code: string, seq: number): Promise<Snapshot | null> {
    if (!Number.isSafeInteger(seq) || seq < 0) return null;
    const json = await this.link.op('getSnapshot', () => this.client.hGet(this.keys.snap(code), String(seq)));
    return json === null ? null : (JSON.parse(json) as Snapshot);
  }

  async listSnapshots(code: string): Promise<SnapshotInfo[]> {
    const members = await this.link.op('listSnapshots', () => this.client.zRange(this.keys.snapIndex(code), 0, -1));
    return members.map(parseInfo);
  }

  async deleteRoom(code: string): Promise<void> {
    const k = this.keys;
    await this.link.op('deleteRoom', () => this.client.eval(DELETE, this.fenced(code, [k.room(code), k.log(code), k.snap(code), k.snapIndex(code), k.rooms], [code])));
  }

  async listRooms(): Promise<string[]> {
    return this.link.op('listRooms', () => this.client.sMembers(this.keys.rooms));
  }

  async archive(code: string, replayId: string, ttlS: number): Promise<void> {
    checkTtl(ttlS);
    const k = this.keys;
    const a = k.archive(replayId);
    await this.link.op('archive', () =>
      this.client.eval(
        ARCHIVE,
        this.fenced(code, [k.room(code), k.log(code), k.snap(code), k.snapIndex(code), k.replay(replayId), a.meta, a.log, a.snap, a.snapIndex], [code, replayId, String(Math.max(1, Math.round(ttlS * 1000))), String(this.now())]),
      ),
    );
  }

  async getReplay(replayId: string): Promise<Replay | null> {
    const a = this.keys.archive(replayId);
    return this.link.op('getReplay', async () => {
      if ((await this.client.exists(this.keys.replay(replayId))) === 0) return null;
      const meta = await this.client.get(a.meta);
      // The keys share one TTL; a missing one means the replay expired while being read.
      if (meta === null) return null;
      const log = await this.readStream(a.log, 0);
      const snapshots = Object.values(await this.client.hGetAll(a.snap))
        .map((json) => JSON.parse(json) as Snapshot)
        .sort((x, y) => x.seq - y.seq);
      return { meta: JSON.parse(meta) as RoomMeta, log, snapshots };
    });
  }

  async getReplaySnapshot(replayId: string, seq: number): Promise<Snapshot | null> {
    if (!Number.isSafeInteger(seq) || seq < 0) return null;
    return this.link.op('getReplaySnapshot', async () => {
      // The index entry says whether the replay is still kept; the snapshot is one hash field.
      if ((await this.client.exists(this.keys.replay(replayId))) === 0) return null;
      const json = await this.client.hGet(this.keys.archive(replayId).snap, String(seq));
      return json === null ? null : (JSON.parse(json) as Snapshot);
    });
  }

  async deleteReplay(replayId: string): Promise<void> {
    const a = this.keys.archive(replayId);
    // The index key first: a replay without it is gone to readers, whatever is left of its copies.
    await this.link.op('deleteReplay', () => this.client.del([this.keys.replay(replayId), a.meta, a.log, a.snap, a.snapIndex]));
  }

  ping(): Promise<boolean> {
    return this.link.ping();
  }

  status(): StoreStatus {
    return this.link.status();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  private async readStream(key: string, fromSeq: number): Promise<LogEntry[]> {
    const entries: LogEntry[] = [];
    let start = fromSeq >= 1 ? `${Math.ceil(fromSeq)}-0` : '-';
    for (;;) {
      const page = (await this.client.xRange(key, start, '+', { COUNT: PAGE })) ?? [];
      for (const { message } of page) {
        const fields = message as Record<string, string>;
        entries.push({ seq: Number(fields.seq), atMs: Number(fields.atMs), action: JSON.parse(fields.action!) as LogEntry['action'] });
      }
      if (page.length < PAGE) return entries;
      start = `(${page.at(-1)!.id}`;
    }
  }
}

function parseInfo(member: string): SnapshotInfo {
  const colon = member.indexOf(':');
  return { seq: Number(member.slice(0, colon)), atS: Number(member.slice(colon + 1)) };
}

