import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The operator's own metrics (`/metrics`): reconciles and their failures and durations per kind, and the depth of
 * each kind's work queue. Names follow controller-runtime's (controller_runtime_reconcile_total, workqueue_depth),
 * prefixed kafkaplane_operator_.
 */
export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles: Counter<'kind' | 'result'>;
  readonly errors: Counter<'kind'>;
  readonly duration: Histogram<'kind'>;
  readonly depth: Gauge<'kind'>;
  readonly leader: Gauge;

  constructor(depth: () => Record<string, number>, leader: () => boolean) {
    const registers = [this.registry];
    this.reconciles = new Counter({ name: 'kafkaplane_operator_reconcile_total', help: 'Reconciles by kind and result (success, requeue, error).', labelNames: ['kind', 'result'], registers });
    this.errors = new Counter({ name: 'kafkaplane_operator_reconcile_errors_total', help: 'Reconciles that failed (and were requeued with backoff).', labelNames: ['kind'], registers });
    this.duration = new Histogram({
      name: 'kafkaplane_operator_reconcile_duration_seconds',
      help: 'How long one reconcile took.',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.depth = new Gauge({
      name: 'kafkaplane_operator_workqueue_depth',
      help: 'Keys waiting in the work queue of a kind.',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const [kind, n] of Object.entries(depth())) this.set({ kind }, n);
      },
    });
    this.leader = new Gauge({
      name: 'kafkaplane_operator_leader',
      help: '1 when this replica holds the leader lease and reconciles.',
      registers,
      collect() {
        this.set(leader() ? 1 : 0);
      },
    });
  }
}
