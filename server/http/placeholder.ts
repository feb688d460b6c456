/** The page at `/` when the browser client has not been built: says plainly what to do. */
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
<main>
<h1>ClusterClass</h1>
<p>This ClusterClass server (version ${version}) is running, but its browser client has not been
built, so there is no page to show. Run <code>npm start</code> (it builds the client when needed) or
<code>npm run build:client</code>, then reload.</p>
<p>Meanwhile: <a href="/health"><code>GET /health</code></a> gives the server's status, and
<code>npx clusterclass sim --scenario tutorial --plan greedy</code> runs any of the ${scenarios}
built-in scenarios from the command line.</p>
</main>
</body>
</html>
`;
}
