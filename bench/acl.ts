/**
 * The cost of ACLs on the produce path: librdkafka (kcat) produce throughput against a broker
 * without an authorizer and one with the ACL authorizer holding 10,000 ACLs (literal and prefixed,
 * on topics and groups, for 1,000 principals). Target: within 5% of the broker without ACLs.
 * The brokers take turns, `--rounds` times each; the best run of each is compared, as the
 * machine's load swings more than the difference measured.
 *
 *   node dist/bench/acl.js [--records N] [--size B] [--acls N] [--rounds N] [--no-save]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createAcls } from '../src/client/acl-admin.js';
import { Admin } from '../src/client/admin.js';
import { ClusterClient } from '../src/client/cluster-client.js';
import {
  type AclBinding,
  AclOperation,
  AclPermission,
  PatternType,
  ResourceType,
} from '../src/security/authorizer/acl.js';
import { AclAuthorizer } from '../src/security/authorizer/acl-authorizer.js';
import { type BenchBroker, loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { rdkafkaProduce } from './throughput/rdkafka.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    size: { type: 'string', default: '100' },
    acls: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    'no-save': { type: 'boolean', default: false },
  },
});
const records = Number(values.records);
const size = Number(values.size);
const aclCount = Number(values.acls);
const rounds = Number(values.rounds);
const TOPIC = 'bench-acl-events';
const PRINCIPAL = 'User:ANONYMOUS';

/**
 * `count` ACLs: a mix of literal and prefixed, allow and deny, on topics (some prefixes cover the
 * benchmark topic, for other principals) and groups, for 1,000 principals; then the two the
 * producer needs (Write on the topic, literal; Describe by prefix).
 */
function aclSet(count: number): AclBinding[] {
  const bindings: AclBinding[] = [];
  const operations = [AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.ALL];
  for (let i = 0; bindings.length < count - 2; i++) {
    const kind = i % 10;
    const prefixed = kind >= 6 && kind < 9;
    const resourceType = kind === 9 ? ResourceType.GROUP : ResourceType.TOPIC;
    // Every tenth prefixed ACL is on a prefix of the benchmark topic itself (for another principal).
    const onBenchTopic = prefixed && i % 30 === 6;
    const name = onBenchTopic ? 'bench-' : prefixed ? `team-${i}-` : `topic-${i}`;
    bindings.push({
      pattern: { resourceType, name, patternType: prefixed ? PatternType.PREFIXED : PatternType.LITERAL },
      entry: {
        principal: onBenchTopic ? `User:bench-user-${i}` : `User:user-${i % 1000}`,
        host: i % 13 === 0 ? `10.0.${i % 250}.${i % 200}` : '*',
        operation: operations[i % operations.length]!,
        permission: i % 17 === 0 ? AclPermission.DENY : AclPermission.ALLOW,
      },
    });
  }
  const allow = (operation: number, name: string, patternType: number): AclBinding => ({
    pattern: { resourceType: ResourceType.TOPIC, name, patternType },
    entry: { principal: PRINCIPAL, host: '*', operation, permission: AclPermission.ALLOW },
  });
  bindings.push(allow(AclOperation.WRITE, TOPIC, PatternType.LITERAL));
  bindings.push(allow(AclOperation.DESCRIBE, 'bench-', PatternType.PREFIXED));
  return bindings;
}

async function prepare(broker: BenchBroker, acls: readonly AclBinding[]): Promise<void> {
  const cluster = new ClusterClient({ brokers: broker.bootstrap });
  try {
    for (let i = 0; i < acls.length; i += 1000) {
      const errors = await createAcls(cluster, acls.slice(i, i + 1000));
      const failed = errors.find((e) => e !== null);
      if (failed) throw failed;
    }
    await new Admin(cluster).createTopics([{ name: TOPIC, numPartitions: 1, replicationFactor: 1 }]);
  } finally {
    await cluster.close();
  }
}

/**
 * In-process cost of one decision over the same ACLs: a first (uncached) decision scans them all,
 * a repeated one is a map lookup — what each produce request pays per topic.
 */
async function decisionCost(
  acls: readonly AclBinding[],
): Promise<{ coldMicros: number; cachedNanos: number }> {
  const authorizer = new AclAuthorizer(
    { load: async () => [...acls], save: async () => undefined },
    { superUsers: [], allowEveryoneIfNoAclFound: false },
  );
  await authorizer.load();
  const topics = Array.from({ length: 200 }, (_, i) => `bench-topic-${i}`);
  let started = performance.now();
  for (const t of topics)
    authorizer.authorize(PRINCIPAL, '127.0.0.1', AclOperation.WRITE, ResourceType.TOPIC, t);
  const coldMicros = ((performance.now() - started) * 1000) / topics.length;
  const calls = 1_000_000;
  started = performance.now();
  for (let i = 0; i < calls; i++) {
    authorizer.authorize(
      PRINCIPAL,
      '127.0.0.1',
      AclOperation.WRITE,
      ResourceType.TOPIC,
      topics[i % topics.length]!,
    );
  }
  return { coldMicros, cachedNanos: ((performance.now() - started) * 1e6) / calls };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-acl-'));
const plain = await startBenchBroker();
// No ACL is on the cluster resource, so with allow.everyone.if.no.acl.found the anonymous client
// may create the ACLs and the topic; the topic itself has ACLs, so its Write is decided by them.
const guarded = await startBenchBroker({
  config: {
    'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
    'allow.everyone.if.no.acl.found': 'true',
  },
});

interface Row {
  broker: 'no-authorizer' | 'acls';
  round: number;
  seconds: number;
  recordsPerSecond: number;
  brokerCpuSeconds: number;
  load1: number;
}
const rows: Row[] = [];
try {
  const acls = aclSet(aclCount);
  const loadStarted = performance.now();
  await prepare(guarded, acls);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await prepare(plain, []);
  for (let round = 1; round <= rounds; round++) {
    for (const [name, broker] of [
      ['no-authorizer', plain],
      ['acls', guarded],
    ] as const) {
      const load1 = loadAverage()[0];
      const before = broker.sample().cpuSeconds;
      const run = await rdkafkaProduce({
        driver: 'kcat',
        bootstrap: broker.bootstrap,
        topic: TOPIC,
        count: records,
        size,
        acks: '1',
        workDir: work,
      });
      rows.push({
        broker: name,
        round,
        seconds: run.seconds,
        recordsPerSecond: Math.round(run.records / run.seconds),
        brokerCpuSeconds: broker.sample().cpuSeconds - before,
        load1,
      });
    }
  }
  console.log('broker          round   seconds  records/s  broker CPU s  load');
  for (const r of rows) {
    console.log(
      `${r.broker.padEnd(15)} ${String(r.round).padStart(5)} ${r.seconds.toFixed(2).padStart(9)} ${String(r.recordsPerSecond).padStart(10)} ${r.brokerCpuSeconds.toFixed(2).padStart(13)} ${r.load1.toFixed(2).padStart(5)}`,
    );
  }
  const best = (name: Row['broker']) =>
    Math.max(...rows.filter((r) => r.broker === name).map((r) => r.recordsPerSecond));
  const ratio = best('acls') / best('no-authorizer');
  // Broker CPU per record does not depend on what else the machine runs, so it is shown too.
  const cpu = (name: Row['broker']) => {
    const mine = rows.filter((r) => r.broker === name);
    return (mine.reduce((sum, r) => sum + r.brokerCpuSeconds, 0) * 1e6) / (mine.length * records);
  };
  const decision = await decisionCost(acls);
  const targets = {
    aclsToNoAuthorizer: ratio,
    decision,
    brokerCpuMicrosPerRecord: { noAuthorizer: cpu('no-authorizer'), acls: cpu('acls') },
    met: ratio >= 0.95,
  };
  console.log(
    `${acls.length} ACLs loaded in ${loadSeconds.toFixed(2)} s; best produce with ACLs ${best('acls')} records/s vs ${best('no-authorizer')} without: ${(ratio * 100).toFixed(1)}% (target >= 95%: ${targets.met ? 'met' : 'NOT met'})`,
  );
  console.log(
    `broker CPU per record: ${cpu('acls').toFixed(2)} µs with ACLs, ${cpu('no-authorizer').toFixed(2)} µs without`,
  );
  console.log(
    `one decision over ${acls.length} ACLs: ${decision.coldMicros.toFixed(1)} µs uncached, ${decision.cachedNanos.toFixed(0)} ns cached (once per topic per produce request)`,
  );
  if (!values['no-save']) {
    const file = saveResult(
      {
        date: new Date().toISOString(),
        machine: machineInfo(),
        records,
        size,
        acls: acls.length,
        loadSeconds,
        rows,
        targets,
      },
      'acl',
      new Date(),
    );
    console.log(`saved ${file}`);
  }
} finally {
  await Promise.all([plain.stop(), guarded.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
}
