import { afterAll, beforeAll } from 'vitest';
import { createClient } from 'redis';
import { startRedisServer, type TestRedis } from './redis-server.ts';

export interface SharedRedis {
  /** The file's redis-server (started in beforeAll: read it inside a test or hook). */
  readonly server: TestRedis;
  readonly url: string;
  /** A plain client for looking at keys behind a store's back. */
  readonly admin: ReturnType<typeof createClient>;
  /** A key prefix no other store in the file has, e.g. `cc-test-3:`. */
  prefix(name: string): string;
}

/**
 * One real redis-server for a test file, with an admin client: started before its tests, stopped
 * after them. Every store gets keys under a prefix of its own, so tests never see each other's.
 */
export function useRedis(): SharedRedis {
  let server: TestRedis | undefined;
  let admin: ReturnType<typeof createClient> | undefined;
  let prefixes = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    admin = createClient({ url: server.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRedis(): the server starts in beforeAll; read it inside a test or hook');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get url() {
      return started(server).url;
    },
    get admin() {
      return started(admin);
    },
    prefix: (name) => `${name}-${++prefixes}:`,
  };
}
