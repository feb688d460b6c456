/**
 * The real server as a measured process: starts the meter, then imports `server/main.ts` of
 * BENCH_SERVER_ROOT (this checkout or an older one) with the environment the coordinator set
 * (PORT, HOST=127.0.0.1, limits). Answers `reset`, `sample` and `rss` over IPC.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMeter } from './meter.ts';
import { serveParent, tellParent } from './proc.ts';

const meter = startMeter();
serveParent({
  reset: () => meter.reset(),
  sample: () => meter.sample(),
  rss: () => meter.rss(),
  // A plain exit (after the reply): --cpu-prof writes its profile then; rooms need no draining here.
  exit: () => void setTimeout(() => process.exit(0), 50),
});

const root = process.env.BENCH_SERVER_ROOT;
if (!root) throw new Error('BENCH_SERVER_ROOT is not set');
await import(pathToFileURL(join(root, 'server', 'main.ts')).href);
meter.startWhole();
tellParent({ kind: 'imported' });
