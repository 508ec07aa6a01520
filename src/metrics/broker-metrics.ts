import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type CounterChild, type HistogramChild, TallyCounter, TallyHistogram } from './tallies.js';

/**
 * What the broker knows at scrape time, as plain values. The metrics module reads these instead of
 * the services themselves, so it stays independent of how partitions, groups or the cluster are kept.
 */
export interface MetricsSources {
  /** Topics that exist now: per-topic series of any other topic (deleted) are dropped at scrape time. */
  topics(): Iterable<string>;
  partitions(): Iterable<PartitionSnapshot>;
  connections(): readonly { readonly listener: string; readonly count: number }[];
  /** Requests parked in purgatory: fetches waiting for data, produces waiting for replicas. */
  purgatory(): { readonly fetch: number; readonly produce: number };
  groups(): readonly { readonly groupId: string; readonly state: string }[];
  /** Committed offsets of one group, with the partition's log end offset where it is known here. */
  groupOffsets(groupId: string): readonly GroupOffsetSnapshot[];
  transactionStates(): readonly string[];
  cluster(): ClusterSnapshot;
}

export interface PartitionSnapshot {
  readonly topic: string;
  readonly partition: number;
  readonly sizeBytes: number;
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  readonly highWatermark: bigint;
  readonly segments: number;
}

export interface GroupOffsetSnapshot {
  readonly topic: string;
  readonly partition: number;
  readonly committedOffset: bigint;
  /** The partition's high watermark (what a consumer can reach); -1n when no log is held here. */
  readonly highWatermark: bigint;
}

export interface ClusterSnapshot {
  readonly activeController: boolean;
  readonly underReplicatedPartitions: number;
  readonly offlinePartitions: number;
  readonly isrShrinks: number;
  readonly isrExpands: number;
}

export interface TopicTotals {
  readonly topic: string;
  readonly messagesIn: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly sizeBytes: number;
}

export interface BrokerMetricsOptions {
  /** Per-partition series (log size, offsets, segments, group lag); off bounds cardinality. */
  readonly perPartition: boolean;
}

/** Milliseconds; from sub-millisecond local handling to long polls of 30 s. */
const REQUEST_TIME_BUCKETS_MS = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
];

/**
 * How often the event loop delay is sampled (ours and prom-client's nodejs_eventloop_lag). Each
 * sample wakes an idle loop, about 50 µs of CPU on a small VM, so Node's default of 10 ms costs
 * half a percent of a core for nothing else; at 50 ms a 15 s scrape still rests on 300 samples
 * and a stall of 50 ms or more always shows in the max.
 */
const EVENT_LOOP_SAMPLE_MS = 50;

const GROUP_STATES = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

const toNumber = (value: bigint): number => Number(value);

/**
 * The broker's Prometheus metrics, named after Kafka's JMX beans with a `samsa_` prefix
 * (`kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec` → `samsa_broker_topic_messages_in_total`).
 * Counters and histograms are updated on the request path through children kept per topic and per
 * request name, so a request costs a few additions (see tallies.ts); gauges are read from
 * {@link MetricsSources} at scrape time.
 */
export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly messagesIn: TallyCounter<'topic'>;
  private readonly bytesIn: TallyCounter<'topic'>;
  private readonly bytesOut: TallyCounter<'topic'>;
  private readonly bytesRejected: TallyCounter<'topic'>;
  private readonly failedProduce: TallyCounter<'topic'>;
  private readonly failedFetch: TallyCounter<'topic'>;
  private readonly requests: TallyCounter<'request' | 'version'>;
  private readonly requestErrors: TallyCounter<'request'>;
  private readonly localTime: TallyHistogram<'request'>;
  private readonly remoteTime: TallyHistogram<'request'>;
  private readonly totalTime: TallyHistogram<'request'>;
  private readonly connectionsCreated: TallyCounter<'listener'>;
  private readonly topicChildren = new Map<string, TopicCounters>();
  private readonly requestChildren = new Map<string, RequestObservers>();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  private lastUtilization = performance.eventLoopUtilization();
  private sources: MetricsSources | undefined;

  constructor(private readonly options: BrokerMetricsOptions) {
    const registers = [this.registry];
    const topicCounter = (name: string, help: string) =>
      new TallyCounter({ name, help, labelNames: ['topic'] as const, registers });
    this.messagesIn = topicCounter(
      'samsa_broker_topic_messages_in_total',
      'Records appended (BrokerTopicMetrics MessagesInPerSec)',
    );
    this.bytesIn = topicCounter(
      'samsa_broker_topic_bytes_in_total',
      'Record batch bytes appended from clients (BrokerTopicMetrics BytesInPerSec)',
    );
    this.bytesOut = topicCounter(
      'samsa_broker_topic_bytes_out_total',
      'Record batch bytes served to fetches (BrokerTopicMetrics BytesOutPerSec)',
    );
    this.bytesRejected = topicCounter(
      'samsa_broker_topic_bytes_rejected_total',
      'Record batch bytes refused on produce (BrokerTopicMetrics BytesRejectedPerSec)',
    );
    this.failedProduce = topicCounter(
      'samsa_broker_topic_failed_produce_requests_total',
      'Partition appends that failed (BrokerTopicMetrics FailedProduceRequestsPerSec)',
    );
    this.failedFetch = topicCounter(
      'samsa_broker_topic_failed_fetch_requests_total',
      'Partition reads that failed (BrokerTopicMetrics FailedFetchRequestsPerSec)',
    );
    this.requests = new TallyCounter({
      name: 'samsa_network_requests_total',
      help: 'Requests by API and version (RequestMetrics RequestsPerSec)',
      labelNames: ['request', 'version'] as const,
      registers,
    });
    this.requestErrors = new TallyCounter({
      name: 'samsa_network_request_failures_total',
      help: 'Requests whose handling threw (the connection is closed)',
      labelNames: ['request'] as const,
      registers,
    });
    const requestHistogram = (name: string, help: string) =>
      new TallyHistogram({
        name,
        help,
        labelNames: ['request'] as const,
        buckets: REQUEST_TIME_BUCKETS_MS,
        registers,
      });
    this.localTime = requestHistogram(
      'samsa_network_request_local_time_ms',
      'Time the broker spent handling the request itself (RequestMetrics LocalTimeMs)',
    );
    this.remoteTime = requestHistogram(
      'samsa_network_request_remote_time_ms',
      'Time the request waited on others: long polls, replicas, coordinator writes (RequestMetrics RemoteTimeMs)',
    );
    this.totalTime = requestHistogram(
      'samsa_network_request_total_time_ms',
      'From the whole frame being read to the response being ready (RequestMetrics TotalTimeMs)',
    );
    this.connectionsCreated = new TallyCounter({
      name: 'samsa_socket_server_connections_created_total',
      help: 'Connections accepted per listener (socket-server-metrics connection-creation-total)',
      labelNames: ['listener'] as const,
      registers,
    });
    this.defineScrapeGauges();
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'samsa_',
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
    });
    this.loopDelay.enable();
  }

  /** Gives the metrics their scrape-time view of the broker. */
  attach(sources: MetricsSources): void {
    this.sources = sources;
  }

  produced(topic: string, records: number, bytes: number): void {
    const c = this.topic(topic);
    c.messagesIn.inc(records);
    c.bytesIn.inc(bytes);
  }

  produceFailed(topic: string, bytes: number): void {
    const c = this.topic(topic);
    c.failedProduce.inc();
    c.bytesRejected.inc(bytes);
  }

  fetched(topic: string, bytes: number): void {
    if (bytes > 0) this.topic(topic).bytesOut.inc(bytes);
  }

  fetchFailed(topic: string): void {
    this.topic(topic).failedFetch.inc();
  }

  connectionCreated(listener: string): void {
    this.connectionsCreated.child({ listener }).inc();
  }

  /** One request's timing: `localMs` until the handler returned, `remoteMs` waiting after that. */
  requestCompleted(request: string, version: number, localMs: number, remoteMs: number): void {
    const o = this.request(request);
    (o.versions[version] ??= this.requests.child({ request, version: String(version) })).inc();
    o.local.observe(localMs);
    o.remote.observe(remoteMs);
    o.total.observe(localMs + remoteMs);
  }

  requestFailed(request: string): void {
    this.request(request).failures.inc();
  }

  /** Per topic since start: records and bytes in and out, and bytes on disk here (for the console). */
  async topicTotals(): Promise<TopicTotals[]> {
    this.forgetDeletedTopics();
    const totals = new Map<
      string,
      { messagesIn: number; bytesIn: number; bytesOut: number; sizeBytes: number }
    >();
    const entry = (topic: string) => {
      let t = totals.get(topic);
      if (!t) totals.set(topic, (t = { messagesIn: 0, bytesIn: 0, bytesOut: 0, sizeBytes: 0 }));
      return t;
    };
    for (const [topic, c] of this.topicChildren) {
      // Topics with only failures have no totals, as their series in the exposition show none.
      if (!c.messagesIn.counted && !c.bytesIn.counted && !c.bytesOut.counted) continue;
      const t = entry(topic);
      t.messagesIn += c.messagesIn.value;
      t.bytesIn += c.bytesIn.value;
      t.bytesOut += c.bytesOut.value;
    }
    for (const p of this.sources?.partitions() ?? []) entry(p.topic).sizeBytes += p.sizeBytes;
    return [...totals].map(([topic, t]) => ({ topic, ...t }));
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    this.forgetDeletedTopics();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Drops the per-topic series of topics deleted since (cardinality stays that of live topics). */
  private forgetDeletedTopics(): void {
    if (!this.sources || this.topicChildren.size === 0) return;
    const live = new Set(this.sources.topics());
    for (const topic of [...this.topicChildren.keys()]) if (!live.has(topic)) this.topicDeleted(topic);
  }

  close(): void {
    this.loopDelay.disable();
    this.registry.clear();
  }

  private topic(topic: string): TopicCounters {
    let c = this.topicChildren.get(topic);
    if (!c) {
      const labels = { topic };
      c = {
        messagesIn: this.messagesIn.child(labels),
        bytesIn: this.bytesIn.child(labels),
        bytesOut: this.bytesOut.child(labels),
        bytesRejected: this.bytesRejected.child(labels),
        failedProduce: this.failedProduce.child(labels),
        failedFetch: this.failedFetch.child(labels),
      };
      this.topicChildren.set(topic, c);
    }
    return c;
  }

  private request(request: string): RequestObservers {
    let o = this.requestChildren.get(request);
    if (!o) {
      const labels = { request };
      o = {
        versions: [],
        failures: this.requestErrors.child(labels),
        local: this.localTime.child(labels),
        remote: this.remoteTime.child(labels),
        total: this.totalTime.child(labels),
      };
      this.requestChildren.set(request, o);
    }
    return o;
  }

  /** Forgets a deleted topic's series, so cardinality follows the topics that exist. */
  topicDeleted(topic: string): void {
    if (!this.topicChildren.delete(topic)) return;
    for (const metric of [
      this.messagesIn,
      this.bytesIn,
      this.bytesOut,
      this.bytesRejected,
      this.failedProduce,
      this.failedFetch,
    ]) {
      metric.remove({ topic });
    }
  }

  private defineScrapeGauges(): void {
    const registers = [this.registry];
    const perPartition = this.options.perPartition;
    const self = this;
    const partitionLabels = ['topic', 'partition'] as const;

    const logSize = new Gauge({
      name: 'samsa_log_size_bytes',
      help: 'Bytes on disk per partition (Log Size)',
      labelNames: partitionLabels,
      registers,
    });
    const logEnd = new Gauge({
      name: 'samsa_log_log_end_offset',
      help: 'Log end offset (Log LogEndOffset)',
      labelNames: partitionLabels,
      registers,
    });
    const logStart = new Gauge({
      name: 'samsa_log_log_start_offset',
      help: 'Log start offset (Log LogStartOffset)',
      labelNames: partitionLabels,
      registers,
    });
    const segments = new Gauge({
      name: 'samsa_log_num_log_segments',
      help: 'Segments per partition (Log NumLogSegments)',
      labelNames: partitionLabels,
      registers,
    });
    const topicSize = new Gauge({
      name: 'samsa_log_topic_size_bytes',
      help: 'Bytes on disk per topic, summed over its partitions on this broker',
      labelNames: ['topic'] as const,
      registers,
      collect() {
        this.reset();
        logSize.reset();
        logEnd.reset();
        logStart.reset();
        segments.reset();
        const sources = self.sources;
        if (!sources) return;
        const byTopic = new Map<string, number>();
        for (const p of sources.partitions()) {
          byTopic.set(p.topic, (byTopic.get(p.topic) ?? 0) + p.sizeBytes);
          if (!perPartition) continue;
          const labels = { topic: p.topic, partition: String(p.partition) };
          logSize.set(labels, p.sizeBytes);
          logEnd.set(labels, toNumber(p.logEndOffset));
          logStart.set(labels, toNumber(p.logStartOffset));
          segments.set(labels, p.segments);
        }
        for (const [topic, size] of byTopic) this.set({ topic }, size);
      },
    });
    void topicSize;

    new Gauge({
      name: 'samsa_socket_server_connections',
      help: 'Open connections per listener (socket-server-metrics connection-count)',
      labelNames: ['listener'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of self.sources?.connections() ?? []) this.set({ listener: c.listener }, c.count);
      },
    });
    new Gauge({
      name: 'samsa_delayed_operation_purgatory_size',
      help: 'Requests waiting in purgatory (DelayedOperationPurgatory PurgatorySize)',
      labelNames: ['operation'] as const,
      registers,
      collect() {
        const p = self.sources?.purgatory() ?? { fetch: 0, produce: 0 };
        this.set({ operation: 'Fetch' }, p.fetch);
        this.set({ operation: 'Produce' }, p.produce);
      },
    });

    const clusterGauge = (name: string, help: string, read: (c: ClusterSnapshot) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const c = self.sources?.cluster();
          this.set(c ? read(c) : 0);
        },
      });
    clusterGauge(
      'samsa_controller_active_controller_count',
      'Whether this broker is the active controller (KafkaController ActiveControllerCount)',
      (c) => (c.activeController ? 1 : 0),
    );
    clusterGauge(
      'samsa_replica_manager_under_replicated_partitions',
      'Partitions led here with fewer in-sync replicas than replicas (ReplicaManager UnderReplicatedPartitions)',
      (c) => c.underReplicatedPartitions,
    );
    clusterGauge(
      'samsa_controller_offline_partitions_count',
      'Partitions without a live leader (KafkaController OfflinePartitionsCount)',
      (c) => c.offlinePartitions,
    );
    clusterGauge(
      'samsa_replica_manager_isr_shrinks_total',
      'ISR shrinks since start (ReplicaManager IsrShrinksPerSec)',
      (c) => c.isrShrinks,
    );
    clusterGauge(
      'samsa_replica_manager_isr_expands_total',
      'ISR expansions since start (ReplicaManager IsrExpandsPerSec)',
      (c) => c.isrExpands,
    );

    const committed = new Gauge({
      name: 'samsa_consumer_group_committed_offset',
      help: 'Committed offset per group and partition',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    });
    const lag = new Gauge({
      name: 'samsa_consumer_group_lag',
      help: 'High watermark minus committed offset per group and partition',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    });
    new Gauge({
      name: 'samsa_group_coordinator_groups',
      help: 'Consumer groups by state (GroupMetadataManager NumGroups<State>)',
      labelNames: ['state'] as const,
      registers,
      collect() {
        committed.reset();
        lag.reset();
        const counts = new Map(GROUP_STATES.map((s) => [s, 0]));
        for (const g of self.sources?.groups() ?? []) {
          counts.set(g.state, (counts.get(g.state) ?? 0) + 1);
          if (!perPartition) continue;
          for (const o of self.sources!.groupOffsets(g.groupId)) {
            const labels = { group: g.groupId, topic: o.topic, partition: String(o.partition) };
            committed.set(labels, toNumber(o.committedOffset));
            if (o.highWatermark >= 0n)
              lag.set(labels, Math.max(0, toNumber(o.highWatermark - o.committedOffset)));
          }
        }
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'samsa_transaction_coordinator_transactions',
      help: 'Transactional ids by state',
      labelNames: ['state'] as const,
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const s of self.sources?.transactionStates() ?? []) counts.set(s, (counts.get(s) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });

    new Gauge({
      name: 'samsa_event_loop_delay_ms',
      help: 'Event loop delay since the last scrape, by quantile (max is the longest stall)',
      labelNames: ['quantile'] as const,
      registers,
      collect() {
        const h = self.loopDelay;
        const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
        this.set({ quantile: '0.5' }, ms(h.percentile(50)));
        this.set({ quantile: '0.99' }, ms(h.percentile(99)));
        this.set({ quantile: 'max' }, ms(h.max));
        h.reset();
      },
    });
    new Gauge({
      name: 'samsa_event_loop_utilization_ratio',
      help: 'Share of time the event loop was busy since the last scrape',
      registers,
      collect() {
        const now = performance.eventLoopUtilization();
        this.set(performance.eventLoopUtilization(now, self.lastUtilization).utilization);
        self.lastUtilization = now;
      },
    });
  }
}

interface TopicCounters {
  readonly messagesIn: CounterChild;
  readonly bytesIn: CounterChild;
  readonly bytesOut: CounterChild;
  readonly bytesRejected: CounterChild;
  readonly failedProduce: CounterChild;
  readonly failedFetch: CounterChild;
}

interface RequestObservers {
  /** The request counter's series by API version (a sparse array: versions are small integers). */
  readonly versions: CounterChild[];
  readonly failures: CounterChild;
  readonly local: HistogramChild;
  readonly remote: HistogramChild;
  readonly total: HistogramChild;
}
