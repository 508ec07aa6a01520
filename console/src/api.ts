/** Calls to the broker's own REST API (REST Proxy v3) and the console endpoints under /v1/console. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { accept: 'application/json', 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await response.text();
  const body = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) throw new ApiError(response.status, body?.message ?? `HTTP ${response.status}`);
  return body as T;
}

let clusterIdPromise: Promise<string> | undefined;

/** The cluster id every v3 path starts with. */
export function clusterId(): Promise<string> {
  clusterIdPromise ??= api<{ data: { cluster_id: string }[] }>('/v3/clusters').then(
    (r) => r.data[0]!.cluster_id,
  );
  return clusterIdPromise;
}

export async function v3<T>(path: string, init: RequestInit = {}): Promise<T> {
  return api<T>(`/v3/clusters/${await clusterId()}${path}`, init);
}

export interface Overview {
  clusterId: string;
  version: string;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  topics: number;
  partitions: number;
  underReplicated: number;
  offline: number;
  groups: number;
}

export interface TopicStats {
  topic: string;
  messagesIn: number;
  bytesIn: number;
  bytesOut: number;
  sizeBytes: number;
}

export interface Stats {
  timeMs: number;
  topics: TopicStats[];
}

export interface Topic {
  topic_name: string;
  is_internal: boolean;
  partitions_count: number;
  replication_factor: number;
}

export interface Partition {
  partition_id: number;
  leader_id: number;
  leader_epoch: number;
  replica_ids: number[];
  isr_ids: number[];
}

export interface Config {
  name: string;
  value: string | null;
  is_default: boolean;
  is_read_only: boolean;
  is_sensitive: boolean;
  source: string;
}

export interface Group {
  consumer_group_id: string;
  state: string;
  partition_assignor: string;
  is_simple: boolean;
}

export interface Consumer {
  consumer_id: string;
  client_id: string;
  instance_id: string | null;
  assigned_partitions: { topic_name: string; partition_id: number }[];
}

export interface Lag {
  topic_name: string;
  partition_id: number;
  current_offset: number;
  log_end_offset: number;
  lag: number;
  consumer_id: string;
  client_id: string;
}

export interface ScannedRecord {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  keyBase64: string | null;
  value: string | null;
  valueBase64: string | null;
  headers: { key: string; value: string | null }[];
}

export type ScanEvent =
  | { type: 'progress'; scanned: number; matched: number }
  | { type: 'record'; record: ScannedRecord }
  | { type: 'done'; scanned: number; matched: number; truncated: boolean }
  | { type: 'error'; message: string };

/** Streams a server-side scan's events (NDJSON) as they arrive. */
export async function scan(
  url: string,
  onEvent: (event: ScanEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, { signal, headers: { accept: 'application/x-ndjson' } });
  if (!response.ok || !response.body) {
    const body = await response.json().catch(() => ({}));
    throw new ApiError(response.status, body.message ?? `HTTP ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') onEvent(JSON.parse(line) as ScanEvent);
      newline = buffered.indexOf('\n');
    }
  }
}

/** Who the console acts as, and whether the Security page is theirs to see. */
export interface WhoAmI {
  principal: string;
  authenticated: boolean;
  canDescribeCluster: boolean;
  canAlterCluster: boolean;
}

export interface ScramUser {
  user: string;
  mechanisms: { mechanism: string; iterations: number }[];
}

/** REST Proxy's KafkaAcl fields (`/v3/clusters/{id}/acls`). */
export interface Acl {
  resource_type: string;
  resource_name: string;
  pattern_type: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}

/** `GET /v1/console/brokers/throughput`: per-broker records in/s from leader offsets, sampled on the server. */
export interface BrokerThroughput {
  intervalMs: number;
  maxSamples: number;
  /** The broker serving the console, when it says. */
  selfId: number | null;
  controllerId: number;
  partitionsTotal: number;
  partitionsSampled: number;
  error: string | null;
  brokers: {
    nodeId: number;
    host: string;
    port: number;
    rack: string | null;
    controller: boolean;
    partitionsLed: number;
    messagesInPerSec: number | null;
  }[];
  samples: {
    timeMs: number;
    messagesInPerSec: Record<string, number>;
    bytesInPerSec: number | null;
    bytesOutPerSec: number | null;
  }[];
}
