/** The page at `/` until the live classroom lands: says plainly what this server does today. */
export function placeholderPage({ version, scenarios }: { version: string; scenarios: number }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ClusterClass</title>
<style>
  body { font: 1.05rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1b1b1b; }
  code { background: #f1f1f1; padding: 0.1rem 0.3rem; border-radius: 3px; }
</style>
</head>
<body>
<h1>ClusterClass</h1>
<p>This ClusterClass server (version ${version}) is running, but the live classroom is not here yet:
there are no rooms to create or join in this version. It arrives in a later release.</p>
<p>What works today:</p>
<ul>
  <li><a href="/health"><code>GET /health</code></a>: the server's status.</li>
  <li>The command-line simulator, with ${scenarios} built-in scenarios: run
    <code>npx clusterclass scenarios</code> and
    <code>npx clusterclass sim --scenario tutorial --plan greedy</code> in the project folder.</li>
</ul>
</body>
</html>
`;
}
