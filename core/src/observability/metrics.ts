import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics. Labels stay low in cardinality: sources, event types, flows,
 * plugin nodes and route patterns, never ids of profiles or events.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly eventsReceived = new Counter({
    name: 'cairn_events_received_total',
    help: 'Events accepted by the collector, by source and event type.',
    labelNames: ['source', 'type'] as const,
    registers: [this.registry],
  });

  readonly eventsProcessed = new Counter({
    name: 'cairn_events_processed_total',
    help: 'Events whose flows ran, by source, event type and outcome (processed or error).',
    labelNames: ['source', 'type', 'status'] as const,
    registers: [this.registry],
  });

  readonly eventsRecovered = new Counter({
    name: 'cairn_events_recovered_total',
    help: 'Pending events a stopped server left that a sweep settled: flows run again, or collected when no rule selects them.',
    registers: [this.registry],
  });

  readonly flowDuration = new Histogram({
    name: 'cairn_flow_duration_seconds',
    help: 'Time spent in the nodes of one flow run, by flow.',
    labelNames: ['flow'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });

  /**
   * The series of each node and flow, looked up once: finding a series by its labels costs more
   * than recording a value in it, and every node of every event records one.
   */
  private readonly nodeSeries = new Map<string, Map<string, Histogram.Internal<string>>>();
  private readonly flowSeries = new Map<string, Histogram.Internal<string>>();

  /** Records one node call's time. */
  observeNode(plugin: string, node: string, seconds: number): void {
    let nodes = this.nodeSeries.get(plugin);
    if (nodes === undefined) {
      nodes = new Map();
      this.nodeSeries.set(plugin, nodes);
    }
    let series = nodes.get(node);
    if (series === undefined) {
      series = this.nodeDuration.labels({ plugin, node });
      nodes.set(node, series);
    }
    series.observe(seconds);
  }

  /** Records the time of one flow run's nodes. */
  observeFlow(flow: string, seconds: number): void {
    let series = this.flowSeries.get(flow);
    if (series === undefined) {
      series = this.flowDuration.labels({ flow });
      this.flowSeries.set(flow, series);
    }
    series.observe(seconds);
  }

  readonly nodeDuration = new Histogram({
    name: 'cairn_node_duration_seconds',
    help: 'Time of one node call in the sandbox, by plugin and node.',
    labelNames: ['plugin', 'node'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025, 0.1, 1],
    registers: [this.registry],
  });

  readonly sandboxRestarts = new Counter({
    name: 'cairn_sandbox_restarts_total',
    help: 'Sandbox worker processes replaced after a crash or an event time-out.',
    registers: [this.registry],
  });

  readonly liveClientsDropped = new Counter({
    name: 'cairn_live_clients_dropped_total',
    help: 'Live-update clients disconnected because they read too slowly.',
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'cairn_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'cairn_process_' });
  }
}
