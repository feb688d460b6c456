/**
 * What a measured process reports about itself: event-loop lag, CPU and RSS since the last
 * reset. Started before anything else in the process, so the histogram sees all of its work.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 1;

export interface MeterSample {
  /** Event-loop lag in ms: how late the 1 ms timer fired (the histogram's interval minus the 1 ms it asked for). */
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** CPU time (user + system) since the reset, µs, and the wall time it was spent in, ms. */
  readonly cpuUs: number;
  readonly wallMs: number;
  readonly rss: number;
  /** RSS at the reset. */
  readonly rssAtReset: number;
  /** The longest event-loop stall since the process started (a stall before the window drops sockets too). */
  readonly lagMaxSinceStartMs: number;
}

export function startMeter() {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const whole = monitorEventLoopDelay({ resolution: 20 });
  whole.enable();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  let rssAtReset = process.memoryUsage.rss();
  const lag = (ns: number) => Math.max(0, +(ns / 1e6 - RESOLUTION_MS).toFixed(3));
  return {
    reset(): { rss: number } {
      histogram.reset();
      cpu = process.cpuUsage();
      wall = performance.now();
      rssAtReset = process.memoryUsage.rss();
      return { rss: rssAtReset };
    },
    sample(): MeterSample {
      const used = process.cpuUsage(cpu);
      return {
        lagP50Ms: lag(histogram.percentile(50)),
        lagP99Ms: lag(histogram.percentile(99)),
        lagMaxMs: lag(histogram.max),
        cpuUs: used.user + used.system,
        wallMs: performance.now() - wall,
        rss: process.memoryUsage.rss(),
        rssAtReset,
        lagMaxSinceStartMs: Math.max(0, +(whole.max / 1e6 - 20).toFixed(1)),
      };
    },
    rss: () => ({ rss: process.memoryUsage.rss() }),
    /** From now on for `lagMaxSinceStartMs`: once the code is loaded (compiling it is no stall a client sees). */
    startWhole: () => whole.reset(),
  };
}
