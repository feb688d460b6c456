/**
 * nginx in front of the measured processes: test/support/nginx.ts's, with the production site
 * config (server/deploy/nginx/clusterclass.conf.template: `hash $arg_lb consistent`, WebSocket
 * upgrade), sized to the workload: every client behind a proxy holds two of nginx's connections
 * (client side, upstream side), so 100 rooms × 30 would not fit in the tests' 4,096. A master and
 * one worker in a process group of their own, killed by that group when the bench ends however
 * it ends.
 */
import { startNginx, type TestNginx } from '../../support/nginx.ts';

export type Balancer = Pick<TestNginx, 'port' | 'url' | 'pid' | 'stop'>;

/** `clients`: the socket.io connections expected through it (each uses two of nginx's). */
export function startBalancer(upstreams: readonly number[], clients: number): Promise<Balancer> {
  return startNginx({ upstreams, workerConnections: Math.max(4096, 2 * clients + 1024) });
}
