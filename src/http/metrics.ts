import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  recordSlackRequest(kind: string, outcome: string, latencyMs: number): void;
}

/** Prometheus metrics for `GET /metrics`: one registry per Banto instance, so tests can run several. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'banto_' });
  const requests = new Counter({
    name: 'banto_slack_requests_total',
    help: 'Slack commands, actions and submissions by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'banto_slack_request_duration_seconds',
    help: 'Time from receipt to the end of the listener',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Label children looked up once per kind and outcome: the hash of the labels is not paid per request.
  const counters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(value: number): void }>();
  return {
    registry,
    recordSlackRequest(kind, outcome, latencyMs) {
      const key = `${kind} ${outcome}`;
      let counter = counters.get(key);
      if (!counter) counters.set(key, (counter = requests.labels(kind, outcome)));
      counter.inc();
      let timer = timers.get(kind);
      if (!timer) timers.set(kind, (timer = duration.labels(kind)));
      timer.observe(latencyMs / 1000);
    },
  };
}
