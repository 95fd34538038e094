import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus registry. One per application instance (not prom-client's global one),
 * so several servers in one test process do not collide. Feature modules add their own metrics
 * through `registry`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'peerdex_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'peerdex_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly socketEvents = new Histogram({
    name: 'peerdex_socket_event_duration_seconds',
    help: 'Socket.IO events from peers by event and outcome (ok or an HTTP-style status)',
    labelNames: ['event', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly peerSessions = new Gauge({
    name: 'peerdex_peer_sessions',
    help: 'Peer sessions connected to this node',
    registers: [this.registry],
  });

  readonly searches = new Counter({
    name: 'peerdex_searches_total',
    help: 'Searches answered, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  readonly tickets = new Counter({
    name: 'peerdex_transfer_tickets_total',
    help: 'Transfer tickets issued, by mode (direct or push)',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });

  readonly transfers = new Counter({
    name: 'peerdex_transfers_reported_total',
    help: 'Downloads reported by peers, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'peerdex_' });
    // prom-client also exports the sums of its by-type gauges as gauges named *_total, which the
    // exposition format reserves for counters (`promtool check metrics` fails on them). The
    // by-type gauges stay: sum(peerdex_nodejs_active_handles) is the total.
    for (const name of ['handles', 'requests', 'resources']) this.registry.removeSingleMetric(`peerdex_nodejs_active_${name}_total`);
  }

  recordHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  recordSocketEvent(event: string, outcome: string, seconds: number): void {
    this.socketEvents.observe({ event, outcome }, seconds);
  }
}
