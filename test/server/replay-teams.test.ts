import { describe, expect, it } from 'vitest';
import type { RoomLogEntry } from '../../shared/replay/log.ts';
import { teamMembers } from '../../shared/replay/teams.ts';

const seat = (playerId: string) => ({ type: 'room:seat', playerId, nickname: playerId, key: '', resumeToken: '', deviceId: null }) as const;
const log = (actions: RoomLogEntry['action'][]): RoomLogEntry[] => actions.map((action, i) => ({ seq: i + 1, atMs: 0, action }));

describe('teamMembers: the teams a replay lists', () => {
  const entries = log([
    seat('ada'),
    { type: 'addCluster', clusterId: 'team-1', name: 'Red team' },
    { type: 'room:team', playerId: 'ada', teamId: 'team-1' },
    seat('bob'),
    { type: 'addCluster', clusterId: 'team-2', name: 'Blue team' },
    { type: 'room:team', playerId: 'bob', teamId: 'team-2' },
    // The teacher deals both into one team: team-2's cluster stays, with nobody on it.
    { type: 'room:team', playerId: 'bob', teamId: 'team-1' },
    seat('cy'),
    { type: 'room:team', playerId: 'cy', teamId: 'team-2' },
    { type: 'room:ban', playerId: 'cy' },
  ]);

  it('counts members per team after the log, leaving out teams everyone left and seats taken out', () => {
    expect(teamMembers('teams', entries)).toEqual(new Map([['team-1', 2]]));
  });

  it('can stop at an entry (a replay scrubbed back) and start from a snapshot’s members', () => {
    expect(teamMembers('teams', entries, { untilSeq: 6 })).toEqual(new Map([['team-1', 1], ['team-2', 1]]));
    expect(teamMembers('teams', log([{ type: 'room:team', playerId: 'dee', teamId: 'team-3' }]), { start: new Map([['eve', 'team-3']]) })).toEqual(new Map([['team-3', 2]]));
  });

  it('is null in solo mode, where every cluster is a player’s', () => {
    expect(teamMembers('solo', entries)).toBeNull();
  });
});
