/**
 * The cost of security on one broker process: librdkafka (kcat) produce and consume throughput
 * over SSL against PLAINTEXT (target: SSL at least 60% of PLAINTEXT), and SCRAM-SHA-256 logins per
 * second with the broker's CPU time per login.
 *
 *   node dist/bench/security.js [--records N] [--size B] [--logins N] [--concurrency N] [--no-save]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '../src/client/connection.js';
import { writeDevCertificates } from '../src/security/tls/dev-certs.js';
import { loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { rdkafkaConsume, rdkafkaProduce } from './throughput/rdkafka.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '300000' },
    size: { type: 'string', default: '100' },
    logins: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '8' },
    'no-save': { type: 'boolean', default: false },
  },
});
const records = Number(values.records);
const size = Number(values.size);
const logins = Number(values.logins);
const concurrency = Number(values.concurrency);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-security-'));
const certs = path.join(work, 'certs');
writeDevCertificates(certs, { hosts: ['127.0.0.1', 'localhost'] });
const USER = 'bench';
const PASSWORD = 'bench-password';

const broker = await startBenchBroker({
  settings: [
    'listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
    `ssl.keystore.location=${path.join(certs, 'broker.pem')}`,
    'sasl.enabled.mechanisms=SCRAM-SHA-256',
  ],
});

interface Row {
  listener: string;
  op: 'produce' | 'consume';
  records: number;
  seconds: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  brokerCpuSeconds: number;
  load1: number;
}

const rows: Row[] = [];
const sslConfig = ['security.protocol=SSL', `ssl.ca.location=${path.join(certs, 'ca-cert.pem')}`];
try {
  for (const listener of ['PLAINTEXT', 'SSL']) {
    const bootstrap = broker.listeners[listener]!;
    const extraConfig = listener === 'SSL' ? sslConfig : [];
    const topic = `bench-${listener.toLowerCase()}`;
    for (const op of ['produce', 'consume'] as const) {
      const load1 = loadAverage()[0];
      const before = broker.sample().cpuSeconds;
      const run =
        op === 'produce'
          ? await rdkafkaProduce({
              driver: 'kcat',
              bootstrap,
              topic,
              count: records,
              size,
              acks: '1',
              workDir: work,
              extraConfig,
            })
          : await rdkafkaConsume({ bootstrap, topic, count: records, size, extraConfig });
      rows.push({
        listener,
        op,
        records: run.records,
        seconds: run.seconds,
        recordsPerSecond: Math.round(run.records / run.seconds),
        mbPerSecond: run.bytes / run.seconds / 1e6,
        brokerCpuSeconds: broker.sample().cpuSeconds - before,
        load1,
      });
    }
  }

  // SCRAM logins: the user is created through the PLAINTEXT listener, then `logins` connections
  // (`concurrency` at a time) authenticate on SASL_PLAINTEXT. The client's PBKDF2 runs here.
  const admin = await import('../src/client/cluster-client.js');
  const { alterScramUsers } = await import('../src/client/scram-admin.js');
  const cluster = new admin.ClusterClient({ brokers: broker.listeners.PLAINTEXT! });
  await alterScramUsers(cluster, [
    { kind: 'upsert', user: USER, mechanism: 'SCRAM-SHA-256', password: PASSWORD },
  ]);
  await cluster.close();
  const [host, port] = broker.listeners.SASL_PLAINTEXT!.split(':');
  const security = {
    protocol: 'SASL_PLAINTEXT' as const,
    sasl: { mechanism: 'SCRAM-SHA-256', username: USER, password: PASSWORD },
  };
  const cpuBefore = broker.sample().cpuSeconds;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < logins) {
        next++;
        const connection = await Connection.connect({ host: host!, port: Number(port), security });
        connection.close();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const scram = {
    logins,
    concurrency,
    seconds,
    loginsPerSecond: Math.round(logins / seconds),
    brokerCpuMsPerLogin: ((broker.sample().cpuSeconds - cpuBefore) * 1000) / logins,
  };

  const ratio = (op: string) => {
    const plain = rows.find((r) => r.listener === 'PLAINTEXT' && r.op === op)!;
    const ssl = rows.find((r) => r.listener === 'SSL' && r.op === op)!;
    return ssl.recordsPerSecond / plain.recordsPerSecond;
  };
  console.log('listener   op       records   seconds  records/s   MB/s  broker CPU s  load');
  for (const r of rows) {
    console.log(
      `${r.listener.padEnd(10)} ${r.op.padEnd(8)} ${String(r.records).padStart(8)} ${r.seconds.toFixed(2).padStart(8)} ${String(r.recordsPerSecond).padStart(10)} ${r.mbPerSecond.toFixed(1).padStart(6)} ${r.brokerCpuSeconds.toFixed(2).padStart(12)} ${r.load1.toFixed(2).padStart(5)}`,
    );
  }
  const targets = {
    sslProduceRatio: ratio('produce'),
    sslConsumeRatio: ratio('consume'),
    met: ratio('produce') >= 0.6 && ratio('consume') >= 0.6,
  };
  console.log(
    `SSL/PLAINTEXT: produce ${(targets.sslProduceRatio * 100).toFixed(0)}%, consume ${(targets.sslConsumeRatio * 100).toFixed(0)}% (target >= 60%: ${targets.met ? 'met' : 'NOT met'})`,
  );
  console.log(
    `SCRAM-SHA-256 logins: ${scram.loginsPerSecond}/s (${logins} logins, ${concurrency} at a time, client PBKDF2 included), broker CPU ${scram.brokerCpuMsPerLogin.toFixed(2)} ms per login`,
  );
  if (!values['no-save']) {
    const file = saveResult(
      { date: new Date().toISOString(), machine: machineInfo(), size, rows, scram, targets },
      'security',
      new Date(),
    );
    console.log(`saved ${file}`);
  }
} finally {
  await broker.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
