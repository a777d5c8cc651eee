/**
 * vc-start's own Prometheus series, beside the kit's RED metrics: how far the outbox lags (the
 * signal to alarm on: events committed but not yet on the bus) and what the relay and the
 * consumer did.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from './db.js';
import type { Outcome } from './consumer.js';
import { outboxBacklog, outboxDeadCount } from './outbox.js';

export interface VcStartMetrics {
  published: Counter;
  publishFailures: Counter;
  dead: Counter;
  consumed: Counter<'outcome'>;
}

export function registerMetrics(registry: Registry, db: Database): VcStartMetrics {
  // Read on each scrape (an indexed count), so the gauges are never stale.
  new Gauge({
    name: 'vc_start_outbox_pending', help: 'Events committed but not yet published to EventBridge.', registers: [registry],
    async collect() {
      this.set((await outboxBacklog(db)).pending);
    },
  });
  new Gauge({
    name: 'vc_start_outbox_oldest_age_seconds', help: 'Age of the oldest unpublished event (0 when none).', registers: [registry],
    async collect() {
      this.set((await outboxBacklog(db)).oldestAgeSeconds);
    },
  });
  new Gauge({
    name: 'vc_start_outbox_dead', help: 'Events parked as dead (EventBridge refused them for good); kept in the outbox for a person.', registers: [registry],
    async collect() {
      this.set(await outboxDeadCount(db));
    },
  });
  return {
    published: new Counter({ name: 'vc_start_events_published_total', help: 'Events EventBridge accepted.', registers: [registry] }),
    publishFailures: new Counter({ name: 'vc_start_events_publish_failures_total', help: 'Entries EventBridge rejected or calls that failed (retried later).', registers: [registry] }),
    dead: new Counter({ name: 'vc_start_events_dead_total', help: 'Events parked as dead after OUTBOX_MAX_ATTEMPTS permanent refusals.', registers: [registry] }),
    consumed: new Counter({ name: 'vc_start_events_consumed_total', help: 'SQS messages by outcome.', labelNames: ['outcome'], registers: [registry] }),
  };
}

