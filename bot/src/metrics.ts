import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The bot's Prometheus metrics, one registry per app (tests build several apps). */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    syncs: new Counter({
      name: "bridgeport_image_syncs_total",
      help: "Image digest syncs by outcome",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    registryRequests: new Counter({
      name: "bridgeport_registry_requests_total",
      help: "Requests to registries by kind and status class",
      labelNames: ["kind", "status"],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: "bridgeport_webhook_deliveries_total",
      help: "Registry webhook deliveries by source and outcome",
      labelNames: ["source", "outcome"],
      registers: [registry],
    }),
    plans: new Counter({
      name: "bridgeport_plans_total",
      help: "Deployment plans by final status",
      labelNames: ["status"],
      registers: [registry],
    }),
    planDuration: new Histogram({
      name: "bridgeport_plan_duration_seconds",
      help: "Deployment plan durations",
      buckets: [1, 5, 15, 30, 60, 120, 300, 900],
      registers: [registry],
    }),
    schedulerPasses: new Counter({
      name: "bridgeport_scheduler_passes_total",
      help: "Scheduler passes this replica ran (one replica runs each pass)",
      registers: [registry],
    }),
    schedulerLastPass: new Gauge({
      name: "bridgeport_scheduler_last_pass_timestamp_seconds",
      help: "When this replica last began a scheduler pass (Unix time)",
      registers: [registry],
    }),
    schedulerHolder: new Gauge({
      name: "bridgeport_scheduler_lock_held",
      help: "1 while this replica holds the scheduler lock",
      registers: [registry],
    }),
    databaseUp: new Gauge({
      name: "bridgeport_database_up",
      help: "1 while the database answers this replica",
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: "bridgeport_http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
