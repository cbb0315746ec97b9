import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HealthReport } from '../services/health/check-health.js';
import type { Metrics } from './metrics.js';

export interface HttpServerDeps {
  logger: Logger;
  metrics: Metrics;
  health: () => Promise<HealthReport>;
  /** Bolt's request listener for POST /slack/events, in HTTP and local mode. */
  slackEvents?: RequestListener | undefined;
  /** POST routes of their own (the payment provider's webhook, when its secret is set), by path. */
  posts?: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> | undefined;
  /** Routes under /api/; answers whether it took the request. */
  api?: ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>) | undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

/** The one HTTP server on PORT: Slack's endpoint plus Banto's own routes. */
export function createHttpServer({ logger, metrics, health, slackEvents, api, posts = {} }: HttpServerDeps): Server {
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>> = {
    'GET /healthz': async (_req, res) => {
      const report = await health();
      sendJson(res, report.status === 'ok' ? 200 : 503, report);
    },
    'GET /metrics': async (_req, res) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
    },
  };
  if (slackEvents) routes['POST /slack/events'] = slackEvents;
  for (const [path, route] of Object.entries(posts)) routes[`POST ${path}`] = route;

  return createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const route =
      routes[`${req.method} ${path}`] ??
      (api && path.startsWith('/api/') ? (q: IncomingMessage, s: ServerResponse) => api(q, s, path) : undefined);
    if (!route) return sendJson(res, 404, { error: 'not_found' });
    Promise.resolve(route(req, res)).catch((error: unknown) => {
      logger.error({ err: error, path }, 'http route failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
    });
  });
}
