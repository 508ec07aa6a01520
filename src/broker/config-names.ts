import { BROKER_SYNONYM_DEFS, TOPIC_CONFIG_DEFS } from '../storage/topic-config-defs.js';
import { BROKER_CONFIG_DEFS } from './config.js';

/**
 * Apache Kafka 3.9 broker config names (server.properties) that Samsa takes without acting on
 * them: a file written for Kafka still starts, and each is reported as "accepted but not used".
 * Names Samsa implements live in BROKER_CONFIG_DEFS and TOPIC_CONFIG_DEFS instead.
 */
const KAFKA_BROKER_NAMES = new Set([
  'advertised.listeners',
  'alter.config.policy.class.name',
  'alter.log.dirs.replication.quota.window.num',
  'alter.log.dirs.replication.quota.window.size.seconds',
  'authorizer.class.name',
  'auto.include.jmx.reporter',
  'background.threads',
  'broker.heartbeat.interval.ms',
  'broker.id.generation.enable',
  'broker.rack',
  'broker.session.timeout.ms',
  'client.quota.callback.class',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'connection.failed.authentication.delay.ms',
  'connections.max.reauth.ms',
  'control.plane.listener.name',
  'controlled.shutdown.enable',
  'controlled.shutdown.max.retries',
  'controlled.shutdown.retry.backoff.ms',
  'controller.listener.names',
  'controller.quorum.append.linger.ms',
  'controller.quorum.bootstrap.servers',
  'controller.quorum.election.backoff.max.ms',
  'controller.quorum.election.timeout.ms',
  'controller.quorum.fetch.timeout.ms',
  'controller.quorum.request.timeout.ms',
  'controller.quorum.retry.backoff.ms',
  'controller.quorum.voters',
  'controller.quota.window.num',
  'controller.quota.window.size.seconds',
  'controller.socket.timeout.ms',
  'create.topic.policy.class.name',
  'delegation.token.expiry.check.interval.ms',
  'delegation.token.expiry.time.ms',
  'delegation.token.max.lifetime.ms',
  'delegation.token.secret.key',
  'delete.records.purgatory.purge.interval.requests',
  'early.start.listeners',
  'fetch.max.bytes',
  'fetch.purgatory.purge.interval.requests',
  'group.consumer.heartbeat.interval.ms',
  'group.consumer.max.size',
  'group.consumer.session.timeout.ms',
  'group.coordinator.rebalance.protocols',
  'group.coordinator.threads',
  'initial.broker.registration.timeout.ms',
  'inter.broker.listener.name',
  'inter.broker.protocol.version',
  'kafka.metrics.polling.interval.secs',
  'kafka.metrics.reporters',
  'listener.security.protocol.map',
  'listeners',
  'log.cleaner.backoff.ms',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.enable',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.threads',
  'log.cleanup.interval.mins',
  'log.dir.failure.timeout.ms',
  'log.flush.start.offset.checkpoint.interval.ms',
  'log.initial.task.delay.ms',
  'log.local.retention.bytes',
  'log.local.retention.ms',
  'log.message.format.version',
  'log.message.timestamp.after.max.ms',
  'log.message.timestamp.before.max.ms',
  'log.retention.hours',
  'log.retention.minutes',
  'log.roll.hours',
  'log.roll.jitter.hours',
  'max.incremental.fetch.session.cache.slots',
  'metadata.log.dir',
  'metadata.log.max.record.bytes.between.snapshots',
  'metadata.log.max.snapshot.interval.ms',
  'metadata.log.segment.bytes',
  'metadata.log.segment.ms',
  'metadata.max.idle.interval.ms',
  'metadata.max.retention.bytes',
  'metadata.max.retention.ms',
  'metric.reporters',
  'metrics.num.samples',
  'metrics.recording.level',
  'metrics.sample.window.ms',
  'min.insync.replicas',
  'node.id',
  'num.io.threads',
  'num.network.threads',
  'num.recovery.threads.per.data.dir',
  'num.replica.alter.log.dirs.threads',
  'offsets.commit.required.acks',
  'offsets.load.buffer.size',
  'offsets.topic.compression.codec',
  'offsets.topic.replication.factor',
  'password.encoder.cipher.algorithm',
  'password.encoder.iterations',
  'password.encoder.key.length',
  'password.encoder.keyfactory.algorithm',
  'password.encoder.old.secret',
  'password.encoder.secret',
  'principal.builder.class',
  'process.roles',
  'producer.purgatory.purge.interval.requests',
  'queued.max.requests',
  'quota.window.num',
  'quota.window.size.seconds',
  'remote.log.manager.task.interval.ms',
  'remote.log.manager.thread.pool.size',
  'remote.log.metadata.manager.class.name',
  'remote.log.storage.manager.class.name',
  'remote.log.storage.system.enable',
  'replica.high.watermark.checkpoint.interval.ms',
  'replica.selector.class',
  'replica.socket.receive.buffer.bytes',
  'replication.quota.window.num',
  'replication.quota.window.size.seconds',
  'request.timeout.ms',
  'reserved.broker.max.id',
  'sasl.enabled.mechanisms',
  'sasl.mechanism.controller.protocol',
  'sasl.mechanism.inter.broker.protocol',
  'security.inter.broker.protocol',
  'security.providers',
  'socket.connection.setup.timeout.max.ms',
  'socket.connection.setup.timeout.ms',
  'socket.receive.buffer.bytes',
  'socket.send.buffer.bytes',
  'transaction.partition.verification.enable',
  'transaction.state.log.load.buffer.size',
  'transaction.state.log.min.isr',
  'transaction.state.log.replication.factor',
  'unstable.api.versions.enable',
  'unstable.feature.versions.enable',
  'zookeeper.clientCnxnSocket',
  'zookeeper.connect',
  'zookeeper.connection.timeout.ms',
  'zookeeper.max.in.flight.requests',
  'zookeeper.metadata.migration.enable',
  'zookeeper.session.timeout.ms',
  'zookeeper.set.acl',
]);

/** Families of Kafka names with a variable part (per listener, per mechanism, TLS and SASL settings). */
const KAFKA_BROKER_PREFIXES = [
  'listener.name.',
  'ssl.',
  'sasl.',
  'zookeeper.ssl.',
  'remote.log.',
  'log.cleaner.',
];

export type ConfigNameProblem =
  /** Neither Samsa nor Kafka has a broker config of this name. */
  | { readonly kind: 'unknown'; readonly name: string }
  /** A topic-level name given to the broker: `brokerName` is the broker-level default's name. */
  | { readonly kind: 'topic-level'; readonly name: string; readonly brokerName: string }
  /** A Kafka broker config Samsa does not act on. */
  | { readonly kind: 'not-used'; readonly name: string };

function samsaBrokerNames(): Set<string> {
  const names = new Set<string>(['log.dir']);
  for (const def of BROKER_CONFIG_DEFS) names.add(def.name);
  for (const def of BROKER_SYNONYM_DEFS) names.add(def.name);
  return names;
}

/** What is wrong with each broker config name Samsa would not act on, in the order given. */
export function checkBrokerConfigNames(names: Iterable<string>): ConfigNameProblem[] {
  const samsa = samsaBrokerNames();
  // A topic config's broker-level default is its first synonym (log.retention.ms for retention.ms).
  const topicLevel = new Map(
    TOPIC_CONFIG_DEFS.filter((def) => def.synonyms.length > 0).map((def) => [def.name, def.synonyms[0]!]),
  );
  const problems: ConfigNameProblem[] = [];
  for (const name of names) {
    if (samsa.has(name)) continue;
    const brokerName = topicLevel.get(name);
    if (brokerName !== undefined) problems.push({ kind: 'topic-level', name, brokerName });
    else if (KAFKA_BROKER_NAMES.has(name) || KAFKA_BROKER_PREFIXES.some((p) => name.startsWith(p)))
      problems.push({ kind: 'not-used', name });
    else problems.push({ kind: 'unknown', name });
  }
  return problems;
}

/** One line for a log or an error. */
export function describeConfigNameProblem(problem: ConfigNameProblem): string {
  switch (problem.kind) {
    case 'unknown':
      return `'${problem.name}' is not a broker config`;
    case 'topic-level':
      return `'${problem.name}' is a topic-level config; the broker's default for it is '${problem.brokerName}'`;
    case 'not-used':
      return `'${problem.name}' is a Kafka broker config that Samsa accepts but does not use`;
  }
}

/** Problems that `--strict-config` refuses to start on: names that would be silently ignored by mistake. */
export function isStrictConfigError(problem: ConfigNameProblem): boolean {
  return problem.kind !== 'not-used';
}
