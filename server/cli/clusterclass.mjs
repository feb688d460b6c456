#!/usr/bin/env node
// The `clusterclass` command. Plain JavaScript so Node can start it directly; it registers tsx's
// loader in this process (no child process, no build step) and hands over to the TypeScript CLI.
let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  process.stderr.write('clusterclass: its dependencies are not installed; run "npm install" in the ClusterClass folder first.\n');
  process.exit(2);
}
register();
const { main } = await import('./main.ts');
// exitCode rather than process.exit(), so a large report piped to stdout is flushed in full.
process.exitCode = await main(process.argv.slice(2));
