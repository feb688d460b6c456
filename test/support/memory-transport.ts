import type { RoomTransport } from '../../server/rooms/room.ts';
import type { ServerToClientEvents } from '../../shared/protocol/index.ts';
import { StudentMirror, applyView, type ProjectorView, type StudentView, type TeacherView, type ViewDelta } from '../../shared/views/index.ts';

/** What `last` gives for an event: a whole view for the view events, else the message itself. */
type LastOf<E extends keyof ServerToClientEvents> = E extends 'view:student' | 'view:room'
  ? StudentView
  : E extends 'view:teacher'
    ? TeacherView
    : E extends 'view:projector'
      ? ProjectorView
      : Parameters<ServerToClientEvents[E]>[0];

type Sent = { event: keyof ServerToClientEvents; payload: unknown };

/** Records what a room sends to each connection (broadcasts reach each member of the channel); tests read it explicitly. */
export class MemoryTransport implements RoomTransport {
  readonly sent = new Map<string, Sent[]>();
  readonly dropped = new Map<string, Parameters<ServerToClientEvents['room:left']>[0]>();
  readonly channels = new Map<string, Set<string>>();
  /** Broadcasts sent, by channel: each counts once however many it reaches. */
  readonly broadcasts: { channel: string; event: keyof ServerToClientEvents; payload: unknown }[] = [];

  send<E extends keyof ServerToClientEvents>(connId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    const list = this.sent.get(connId) ?? [];
    // Cloning because a real transport serialises: a test must not see later mutations.
    list.push({ event, payload: structuredClone(args[0]) });
    this.sent.set(connId, list);
  }

  broadcast<E extends keyof ServerToClientEvents>(channel: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    this.broadcasts.push({ channel, event, payload: structuredClone(args[0]) });
    for (const id of this.channels.get(channel) ?? []) this.send(id, event, ...args);
  }

  join(connId: string, channel: string): void {
    let members = this.channels.get(channel);
    if (!members) this.channels.set(channel, (members = new Set()));
    members.add(connId);
  }

  leave(connId: string, channel: string): void {
    this.channels.get(channel)?.delete(connId);
  }

  drop(connId: string, notice: Parameters<ServerToClientEvents['room:left']>[0]): void {
    this.dropped.set(connId, notice);
    for (const members of this.channels.values()) members.delete(connId);
  }

  /**
   * The last message of a kind; for views, the whole view as a client has it after merging
   * updates (a student's from both its parts, the room's and its own).
   */
  last<E extends keyof ServerToClientEvents>(connId: string, event: E): LastOf<E> | undefined {
    const all = this.sent.get(connId) ?? [];
    if (event === 'view:student' || event === 'view:room') {
      const mirror = new StudentMirror();
      for (const s of all) mirror.apply(s.event, s.payload);
      return (mirror.view ?? undefined) as LastOf<E> | undefined;
    }
    const list = all.filter((s) => s.event === event);
    if (event.startsWith('view:') && event !== 'view:cluster') {
      let view: object | null = null;
      for (const s of list) view = applyView(view, s.payload as ViewDelta<object>);
      return (view ?? undefined) as LastOf<E> | undefined;
    }
    return list.at(-1)?.payload as LastOf<E> | undefined;
  }

  count(connId: string, event: keyof ServerToClientEvents): number {
    return (this.sent.get(connId) ?? []).filter((s) => s.event === event).length;
  }
}
