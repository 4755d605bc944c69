/** `/healthz` (alive), `/readyz` (can work now), `/metrics` (Prometheus). The only HTTP code. */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSources {
  /** Each check names what is not ready, or returns null. */
  readiness: Array<() => Promise<string | null>>;
  /** The registry to serve at `/metrics`, asked for each scrape (it may be an aggregate). */
  metrics: () => Promise<Registry>;
}

export function startHealthServer(port: number, sources: HealthSources): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.url === '/healthz') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        } else if (req.url === '/readyz') {
          const problems = (await Promise.all(sources.readiness.map((c) => c().catch((e: Error) => e.message)))).filter((p): p is string => p !== null);
          res.writeHead(problems.length ? 503 : 200, { 'content-type': 'text/plain' }).end(problems.length ? `${problems.join('\n')}\n` : 'ready\n');
        } else if (req.url === '/metrics') {
          const registry = await sources.metrics();
          const body = await registry.metrics();
          res.writeHead(200, { 'content-type': registry.contentType }).end(body);
        } else {
          res.writeHead(404).end();
        }
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`);
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`HTTP_PORT ${port} is already in use: give each process its own HTTP_PORT (0 turns the port off)`) : err),
    );
    server.listen(port, () => resolve(server));
  });
}
