import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import express from 'express';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { readVersion } from '../version.ts';
import { placeholderPage } from './placeholder.ts';

export interface AppOptions {
  /** Milliseconds since the epoch; injectable so tests need no real time. */
  readonly now?: () => number;
}

/** The HTTP application: for now a health check and an honest placeholder page. */
export function createApp({ now = Date.now }: AppOptions = {}): express.Express {
  const startedAt = now();
  const app = express();
  app.disable('x-powered-by');

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: readVersion(), uptimeS: Math.floor((now() - startedAt) / 1000), scenarios: SCENARIOS.length });
  });
  app.get('/', (_req, res) => {
    res.type('html').send(placeholderPage({ version: readVersion(), scenarios: SCENARIOS.length }));
  });
  return app;
}

export interface ServerOptions extends AppOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
}

export interface RunningServer {
  readonly server: Server;
  /** The address actually bound, e.g. after asking for port 0. */
  readonly port: number;
  readonly host: string;
  /** Stops accepting connections and resolves once the open ones are done. */
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound, rejects if it cannot be (e.g. EADDRINUSE). */
export async function startServer({ port, host, ...options }: ServerOptions): Promise<RunningServer> {
  const server = createServer(createApp(options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    port: address.port,
    host: address.address,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}
