/**
 * CPU time of processes the bench did not fork with IPC (nginx, redis-server), read from Linux's
 * /proc: /proc/PID/stat counts every thread of a process, in clock ticks of 10 ms (USER_HZ 100).
 * Elsewhere every reading is null and the figures say "–".
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10;

/** The fields after the command name (which may hold spaces and parentheses): [0] is field 3, state. */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU ms of one process so far, or null when it is not there. */
export function processCpuMs(pid: number): number | null {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_MS : null;
}

/** User + system CPU ms of every live process in process group `pgrp` (nginx's master and worker). */
export function groupCpuMs(pgrp: number): number | null {
  let total = 0;
  let found = false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (!f || Number(f[2]) !== pgrp) continue;
    found = true;
    total += (Number(f[11]) + Number(f[12])) * TICK_MS;
  }
  return found ? total : null;
}
