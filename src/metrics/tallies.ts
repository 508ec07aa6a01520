import { Counter, type Histogram, type Registry } from 'prom-client';

/**
 * Counters and histograms for the request path. prom-client hashes the label values, validates
 * them and allocates on every `inc()` and `observe()`, even through a `labels(...)` child (about
 * 3 µs per request for one counter and three histograms). Here a caller keeps the child of its
 * label values and updates it with plain additions; prom-client sees the totals only when scraped.
 */

interface TallyConfig<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly registers: Registry[];
}

type LabelSet<L extends string> = Readonly<Record<L, string>>;

/** One series of a {@link TallyCounter}. */
export class CounterChild<L extends string = string> {
  value = 0;
  /** prom-client shows a series from its first `inc()`, even of 0; so does this. */
  counted = false;

  constructor(readonly labels: LabelSet<L>) {}

  inc(amount = 1): void {
    this.value += amount;
    this.counted = true;
  }
}

/** One series of a {@link TallyHistogram}: a count per bucket (not cumulative), sum and count. */
export class HistogramChild<L extends string = string> {
  /** `counts[i]` holds values ≤ `bounds[i]` and above the bound before; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: LabelSet<L>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    // prom-client throws on these; a bad clock reading must not fail a request.
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** Children by their label values, created on first use. */
class Children<L extends string, C> {
  private readonly byKey = new Map<string, C>();

  constructor(
    private readonly labelNames: readonly L[],
    private readonly create: (labels: LabelSet<L>) => C,
  ) {}

  get(labels: LabelSet<L>): C {
    const key = this.key(labels);
    let child = this.byKey.get(key);
    if (!child) this.byKey.set(key, (child = this.create({ ...labels })));
    return child;
  }

  remove(labels: LabelSet<L>): void {
    this.byKey.delete(this.key(labels));
  }

  values(): IterableIterator<C> {
    return this.byKey.values();
  }

  private key(labels: LabelSet<L>): string {
    return this.labelNames.map((name) => labels[name]).join('\u0000');
  }
}

/** A prom-client counter filled from its children when scraped. */
export class TallyCounter<L extends string> {
  private readonly children: Children<L, CounterChild<L>>;

  constructor(config: TallyConfig<L>) {
    const children = (this.children = new Children(config.labelNames, (labels) => new CounterChild(labels)));
    new Counter<L>({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: config.registers,
      collect() {
        this.reset();
        for (const c of children.values()) if (c.counted) this.inc(c.labels, c.value);
      },
    });
  }

  /** The series for these label values; keep it and call `inc()` on it. */
  child(labels: LabelSet<L>): CounterChild<L> {
    return this.children.get(labels);
  }

  remove(labels: LabelSet<L>): void {
    this.children.remove(labels);
  }
}

interface SeriesValue {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * A histogram exported in prom-client's histogram form (`_bucket` with cumulative counts per `le`,
 * `_sum`, `_count`). prom-client has no way to hand a histogram counts that were kept elsewhere,
 * so this registers itself with the registry as a metric of its own, as prom-client's
 * `Registry.registerMetric` accepts anything that answers `get()` with a name, help, type and values.
 */
export class TallyHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: readonly number[];
  private readonly children: Children<L, HistogramChild<L>>;

  constructor(config: TallyConfig<L> & { readonly buckets: readonly number[] }) {
    this.name = config.name;
    this.help = config.help;
    const bounds = [...config.buckets].sort((a, b) => a - b);
    this.children = new Children(config.labelNames, (labels) => new HistogramChild(labels, bounds));
    this.bounds = bounds;
    for (const registry of config.registers) registry.registerMetric(this as unknown as Histogram<L>);
  }

  /** The series for these label values; keep it and call `observe()` on it. */
  child(labels: LabelSet<L>): HistogramChild<L> {
    return this.children.get(labels);
  }

  /** What the registry formats: the same series, labels and order as a prom-client Histogram. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: SeriesValue[];
  }> {
    const values: SeriesValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const c of this.children.values()) {
      // A child that never observed is a series prom-client would not show yet.
      if (c.count === 0) continue;
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += c.counts[i]!;
        values.push({ metricName: bucket, labels: { le, ...c.labels }, value: cumulative });
      });
      values.push(
        { metricName: bucket, labels: { le: '+Inf', ...c.labels }, value: c.count },
        { metricName: `${this.name}_sum`, labels: c.labels, value: c.sum },
        { metricName: `${this.name}_count`, labels: c.labels, value: c.count },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
