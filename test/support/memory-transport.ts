import type { RoomTransport } from '../../server/rooms/room.ts';
import type { ServerToClientEvents } from '../../shared/protocol/index.ts';
import { applyView, type RoomHeader, type ViewPatch } from '../../shared/views/index.ts';

type ViewOf = { room: RoomHeader };

type Sent = { event: keyof ServerToClientEvents; payload: unknown };

/** Records what a room sends to each connection; tests read it explicitly. */
export class MemoryTransport implements RoomTransport {
  readonly sent = new Map<string, Sent[]>();
  readonly dropped = new Map<string, Parameters<ServerToClientEvents['room:left']>[0]>();

  send<E extends keyof ServerToClientEvents>(connId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    const list = this.sent.get(connId) ?? [];
    // Cloning because a real transport serialises: a test must not see later mutations.
    list.push({ event, payload: structuredClone(args[0]) });
    this.sent.set(connId, list);
  }

  drop(connId: string, notice: Parameters<ServerToClientEvents['room:left']>[0]): void {
    this.dropped.set(connId, notice);
  }

  /** The last message of a kind; for views, the whole view as a client has it after merging updates. */
  last<E extends keyof ServerToClientEvents>(connId: string, event: E): Parameters<ServerToClientEvents[E]>[0] | undefined {
    const list = (this.sent.get(connId) ?? []).filter((s) => s.event === event);
    if (event.startsWith('view:') && event !== 'view:cluster') {
      let view: ViewOf | null = null;
      for (const s of list) view = applyView(view, s.payload as ViewPatch<ViewOf>);
      return (view ?? undefined) as Parameters<ServerToClientEvents[E]>[0] | undefined;
    }
    return list.at(-1)?.payload as Parameters<ServerToClientEvents[E]>[0] | undefined;
  }

  count(connId: string, event: keyof ServerToClientEvents): number {
    return (this.sent.get(connId) ?? []).filter((s) => s.event === event).length;
  }
}
