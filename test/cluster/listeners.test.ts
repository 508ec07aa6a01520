/**
 * A 3-broker cluster with two listeners: clients come in on CLIENT (SASL_PLAINTEXT, PLAIN) and the
 * brokers replicate over BROKER (SSL with client certificates required). Every listener is
 * registered in ZooKeeper; clients are told every broker's CLIENT address; followers fetch over TLS
 * with the broker's own keystore as their certificate.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DEV_CERT_FILES, writeDevCertificates } from '../../src/security/tls/dev-certs.js';
import { uniqueTopic } from '../compat/kafkajs-client.js';
import { startCluster, zkReader } from '../helpers/cluster.js';
import { DEBIAN_PYTHON } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

const SASL_ARGS = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN'];
const ALICE = ['-X', 'sasl.username=alice', '-X', 'sasl.password=alice-secret'];

interface KcatMetadata {
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number; isrs: { id: number }[] }[] }[];
}

async function kcatMetadata(bootstrap: string, topic: string): Promise<KcatMetadata> {
  const { stdout } = await run(
    'kcat',
    ['-L', '-J', '-b', bootstrap, '-t', topic, '-m', '10', ...SASL_ARGS, ...ALICE],
    { timeout: 30_000 },
  );
  return JSON.parse(stdout) as KcatMetadata;
}

test('clients on a SASL listener, replication over an mTLS listener', { timeout: 300_000 }, async (t) => {
  const certs = makeTempDir('samsa-certs-');
  t.after(() => certs.cleanup());
  writeDevCertificates(certs.path, { hosts: ['localhost', '127.0.0.1'] });
  const cluster = await startCluster({
    brokers: 3,
    config: {
      listeners: 'CLIENT://127.0.0.1:0,BROKER://127.0.0.1:0',
      'listener.security.protocol.map': 'CLIENT:SASL_PLAINTEXT,BROKER:SSL',
      'inter.broker.listener.name': 'BROKER',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': path.join(certs.path, DEV_CERT_FILES.brokerKeystore),
      'ssl.truststore.location': path.join(certs.path, DEV_CERT_FILES.caCert),
      'listener.name.broker.ssl.client.auth': 'required',
      'listener.name.client.sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.client.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";',
    },
  });
  t.after(() => cluster.cleanup());
  const clientAddress = new Map([...cluster.brokers].map(([id, b]) => [id, b.listeners.CLIENT!]));
  const brokerAddress = new Map([...cluster.brokers].map(([id, b]) => [id, b.listeners.BROKER!]));
  const bootstrap = [...clientAddress.values()].join(',');

  await t.test('every listener is registered in ZooKeeper as Kafka writes it', async () => {
    const zk = await zkReader(cluster);
    try {
      for (const id of [1, 2, 3]) {
        const body = JSON.parse((await zk.get(`/brokers/ids/${id}`))!.data.toString());
        assert.deepEqual(body.endpoints, [
          `CLIENT://${clientAddress.get(id)}`,
          `BROKER://${brokerAddress.get(id)}`,
        ]);
        assert.deepEqual(body.listener_security_protocol_map, { CLIENT: 'SASL_PLAINTEXT', BROKER: 'SSL' });
        // No PLAINTEXT listener: Kafka writes null and -1.
        assert.equal(body.host, null);
        assert.equal(body.port, -1);
      }
    } finally {
      zk.close();
    }
  });

  const topic = uniqueTopic('listeners');
  await t.test('an RF 3 topic replicates over TLS and a SASL client sees CLIENT addresses', async () => {
    const result = await run(
      DEBIAN_PYTHON,
      [
        '-c',
        `import json, os, time
from confluent_kafka import Producer, Consumer
from confluent_kafka.admin import AdminClient, NewTopic
conf = {"bootstrap.servers": os.environ["BOOTSTRAP"], "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanisms": "PLAIN", "sasl.username": "alice", "sasl.password": "alice-secret"}
admin = AdminClient(conf)
for f in admin.create_topics([NewTopic(os.environ["TOPIC"], 3, 3, config={"min.insync.replicas": "2"})]).values():
    f.result()
md = admin.list_topics(timeout=15)
brokers = {b.id: "%s:%d" % (b.host, b.port) for b in md.brokers.values()}
acked = []
p = Producer({**conf, "acks": "all", "enable.idempotence": True})
deadline = time.time() + 60
def report(err, msg):
    if err is None: acked.append(msg.value().decode())
for i in range(300):
    p.produce(os.environ["TOPIC"], str(i).encode(), on_delivery=report)
    p.poll(0)
while p.flush(1) > 0 and time.time() < deadline: pass
c = Consumer({**conf, "group.id": "g-" + os.environ["TOPIC"], "auto.offset.reset": "earliest"})
c.subscribe([os.environ["TOPIC"]])
seen = set()
while len(seen) < len(acked) and time.time() < deadline:
    m = c.poll(1)
    if m is not None and m.error() is None: seen.add(m.value().decode())
c.close()
print(json.dumps({"brokers": brokers, "acked": len(acked), "seen": len(seen & set(acked))}))`,
      ],
      { timeout: 120_000, env: { ...process.env, BOOTSTRAP: bootstrap, TOPIC: topic } },
    );
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(out.brokers, Object.fromEntries(clientAddress));
    assert.equal(out.acked, 300, 'every record acknowledged with acks=all');
    assert.equal(out.seen, 300, 'every acknowledged record read back');
    // Followers fetch over the BROKER listener: every replica joins the ISR.
    await waitFor(
      async () =>
        (await kcatMetadata(bootstrap, topic)).topics[0]!.partitions.every((p) => p.isrs.length === 3),
      { timeoutMs: 30_000, description: 'a full ISR on every partition' },
    );
    const md = await kcatMetadata(bootstrap, topic);
    assert.deepEqual(
      md.brokers.map((b) => b.name).sort(),
      [...clientAddress.values()].sort(),
      'kcat is told the CLIENT addresses',
    );
  });

  await t.test('a client with a wrong password is refused on the CLIENT listener', async () => {
    const wrong = ['-X', 'sasl.username=alice', '-X', 'sasl.password=wrong'];
    const failure = await run('kcat', ['-L', '-b', bootstrap, '-m', '10', ...SASL_ARGS, ...wrong], {
      timeout: 30_000,
    }).then(
      () => undefined,
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    assert.ok(failure !== undefined, 'kcat listed metadata with a wrong password');
    assert.match(failure, /Authentication failed|SASL authentication error/i);
  });
});

test('brokers replicate over SASL_SSL, logging in to each other with PLAIN', {
  timeout: 300_000,
}, async (t) => {
  const certs = makeTempDir('samsa-certs-');
  t.after(() => certs.cleanup());
  writeDevCertificates(certs.path, { hosts: ['localhost', '127.0.0.1'] });
  const jaas =
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="broker-secret" user_broker="broker-secret" user_alice="alice-secret";';
  const cluster = await startCluster({
    brokers: 3,
    config: {
      listeners: 'SASL_SSL://127.0.0.1:0',
      'inter.broker.listener.name': 'SASL_SSL',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': path.join(certs.path, DEV_CERT_FILES.brokerKeystore),
      'ssl.truststore.location': path.join(certs.path, DEV_CERT_FILES.caCert),
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_ssl.plain.sasl.jaas.config': jaas,
    },
  });
  t.after(() => cluster.cleanup());
  const bootstrap = cluster.bootstrap();
  const topic = uniqueTopic('sasl-ibp');
  const result = await run(
    DEBIAN_PYTHON,
    [
      '-c',
      `import json, os, time
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
conf = {"bootstrap.servers": os.environ["BOOTSTRAP"], "security.protocol": "SASL_SSL", "ssl.ca.location": os.environ["CA"],
        "sasl.mechanisms": "PLAIN", "sasl.username": "alice", "sasl.password": "alice-secret"}
admin = AdminClient(conf)
for f in admin.create_topics([NewTopic(os.environ["TOPIC"], 2, 3, config={"min.insync.replicas": "3"})]).values():
    f.result()
acked = []
p = Producer({**conf, "acks": "all"})
for i in range(100):
    p.produce(os.environ["TOPIC"], str(i).encode(), on_delivery=lambda err, msg: err is None and acked.append(1))
deadline = time.time() + 60
while p.flush(1) > 0 and time.time() < deadline: pass
print(json.dumps({"acked": len(acked)}))`,
    ],
    {
      timeout: 120_000,
      env: {
        ...process.env,
        BOOTSTRAP: bootstrap,
        TOPIC: topic,
        CA: path.join(certs.path, DEV_CERT_FILES.caCert),
      },
    },
  );
  // min.insync.replicas=3 with acks=all: each record is acknowledged only once both followers
  // fetched it over their authenticated TLS connections.
  assert.equal(JSON.parse(result.stdout.trim().split('\n').at(-1)!).acked, 100);
});
