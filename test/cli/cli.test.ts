import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { samsaBin } from '../helpers/paths.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/samsa <args>` with `input` on stdin. */
function samsa(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [samsaBin, ...args], {
      env: { ...process.env, SAMSA_BROKERS: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe('samsa CLI', () => {
  let broker: TestBroker;
  let b: string[];

  before(async () => {
    broker = await startBroker();
    b = ['--brokers', broker.bootstrap];
  });
  after(() => broker.cleanup());

  it('creates, lists and deletes topics', async () => {
    const created = await samsa(['topic', 'create', 'cli-a', '-p', '3', '-r', '1', ...b]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^TOPIC\s+STATUS\s+PARTITIONS\s+REPLICAS\ncli-a\s+OK\s+3\s+1\n$/);

    const listed = await samsa(['topic', 'list', '--format', 'json', ...b]);
    assert.equal(listed.code, 0, listed.stderr);
    const topic = JSON.parse(listed.stdout).find((t: { name: string }) => t.name === 'cli-a');
    assert.equal(topic.partitionCount, 3);
    assert.equal(topic.replicationFactor, 1);

    const again = await samsa(['topic', 'create', 'cli-a', ...b]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^samsa topic: TOPIC_ALREADY_EXISTS: .*\n$/);

    const deleted = await samsa(['topic', 'delete', 'cli-a', ...b]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /cli-a\s+OK/);
    const text = await samsa(['topic', 'list', ...b]);
    assert.doesNotMatch(text.stdout, /cli-a/);
  });

  it('describes a topic with partition offsets and config sources', async () => {
    assert.equal(
      (await samsa(['topic', 'create', 'cli-d', '-p', '2', '-c', 'retention.ms=3600000', ...b])).code,
      0,
    );
    const produced = await samsa(['produce', 'cli-d', '-p', '1', ...b], 'x\ny\nz\n');
    assert.equal(produced.code, 0, produced.stderr);
    const altered = await samsa([
      'topic',
      'alter-config',
      'cli-d',
      '--set',
      'compression.type=gzip',
      '--delete',
      'retention.ms',
      ...b,
    ]);
    assert.equal(altered.code, 0, altered.stderr);

    const json = await samsa(['topic', 'describe', 'cli-d', '-f', 'json', ...b]);
    assert.equal(json.code, 0, json.stderr);
    const d = JSON.parse(json.stdout);
    assert.equal(d.name, 'cli-d');
    assert.deepEqual(
      d.partitions.map((p: any) => [p.partition, p.logStartOffset, p.highWatermark, p.isr.length]),
      [
        [0, 0, 0, 1],
        [1, 0, 3, 1],
      ],
    );
    const config = (name: string) => d.configs.find((c: { name: string }) => c.name === name);
    assert.deepEqual(
      [config('compression.type').value, config('compression.type').source],
      ['gzip', 'DYNAMIC_TOPIC_CONFIG'],
    );
    assert.equal(config('retention.ms').source, 'DEFAULT_CONFIG');

    const text = await samsa(['topic', 'describe', 'cli-d', ...b]);
    assert.match(text.stdout, /^SUMMARY\nNAME\s+cli-d\n/);
    assert.match(text.stdout, /\ncompression\.type\s+gzip\s+DYNAMIC_TOPIC_CONFIG\n/);
    assert.match(
      text.stdout,
      /\nPARTITION\s+LEADER\s+EPOCH\s+REPLICAS\s+ISR\s+LOG-START-OFFSET\s+HIGH-WATERMARK\s+STATUS\n/,
    );
    assert.match(text.stdout, /\n1\s+\d+\s+\d+\s+\[\d+\]\s+\[\d+\]\s+0\s+3\s+ok\n/);

    const grown = await samsa(['topic', 'add-partitions', 'cli-d', '--num', '4', ...b]);
    assert.equal(grown.code, 0, grown.stderr);
    const after = JSON.parse((await samsa(['topic', 'describe', 'cli-d', '-f', 'json', ...b])).stdout);
    assert.equal(after.partitionCount, 4);
  });

  it('creates and grows topics with manual replica assignments', async () => {
    const created = await samsa(['topic', 'create', 'cli-assigned', '--replica-assignment', '0,0', ...b]);
    assert.equal(created.code, 0, created.stderr);
    const partitions = async () =>
      JSON.parse((await samsa(['topic', 'describe', 'cli-assigned', '-f', 'json', ...b])).stdout)
        .partitionCount;
    assert.equal(await partitions(), 2);
    const elsewhere = await samsa(['topic', 'create', 'cli-elsewhere', '--replica-assignment', '10', ...b]);
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /^samsa topic: INVALID_REPLICA_ASSIGNMENT: .*broker 10.*\n$/);
    const refused = await samsa([
      'topic',
      'add-partitions',
      'cli-assigned',
      '-n',
      '3',
      '--replica-assignment',
      '10',
      ...b,
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Unknown broker\(s\) in replica assignment: 10\./);
    const grown = await samsa([
      'topic',
      'add-partitions',
      'cli-assigned',
      '-n',
      '3',
      '--replica-assignment',
      '0',
      ...b,
    ]);
    assert.equal(grown.code, 0, grown.stderr);
    assert.equal(await partitions(), 3);
    const typo = await samsa(['topic', 'create', 'cli-typo', '--replica-assignment', '0:x', ...b]);
    assert.equal(typo.code, 2);
  });

  it('produces keyed lines with headers and consumes them back as JSON', async () => {
    assert.equal((await samsa(['topic', 'create', 'cli-p', '-p', '1', ...b])).code, 0);
    const produced = await samsa(
      ['produce', 'cli-p', '--key-separator', '::', '--header', 'app=cli', '--header', 'eq=a=b', ...b],
      'k1::hello\nk2::world::!\nno key here\n',
    );
    assert.equal(produced.code, 0, produced.stderr);
    assert.match(produced.stdout, /^Produced 3 records to topic 'cli-p'\n/);
    assert.match(produced.stdout, /\n0\s+3\s+0\s+2\n$/);

    const consumed = await samsa(['consume', 'cli-p', '--format', 'json', '--count', '3', ...b]);
    assert.equal(consumed.code, 0, consumed.stderr);
    const lines = consumed.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const headers = [
      { key: 'app', value: 'cli' },
      { key: 'eq', value: 'a=b' },
    ];
    assert.deepEqual(
      lines.map(({ timestamp, ...rest }) => {
        assert.equal(typeof timestamp, 'number');
        return rest;
      }),
      [
        { topic: 'cli-p', partition: 0, offset: 0, key: 'k1', value: 'hello', headers },
        { topic: 'cli-p', partition: 0, offset: 1, key: 'k2', value: 'world::!', headers },
        { topic: 'cli-p', partition: 0, offset: 2, key: null, value: 'no key here', headers },
      ],
    );

    const text = await samsa(['consume', 'cli-p', '-e', ...b]);
    assert.equal(text.stdout, 'hello\nworld::!\nno key here\n');
    const template = await samsa(['consume', 'cli-p', '-e', '-f', '%o %k:%v', ...b]);
    assert.equal(template.stdout, '0 k1:hello\n1 k2:world::!\n2 :no key here\n');
  });

  it('consumes from an offset, by timestamp, and up to a count', async () => {
    assert.equal((await samsa(['topic', 'create', 'cli-o', '-p', '1', ...b])).code, 0);
    assert.equal((await samsa(['produce', 'cli-o', ...b], 'a\nb\nc\nd\n')).code, 0);
    const fromTwo = await samsa(['consume', 'cli-o', '--offset', '2', '-e', ...b]);
    assert.equal(fromTwo.stdout, 'c\nd\n');
    const counted = await samsa(['consume', 'cli-o', '--count', '3', ...b]);
    assert.equal(counted.stdout, 'a\nb\nc\n');

    const records = (await samsa(['consume', 'cli-o', '-e', '-f', 'json', ...b])).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const later = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await samsa(['produce', 'cli-o', ...b], 'e\n')).code, 0);
    const byTime = await samsa(['consume', 'cli-o', '--offset', `@${later}`, '-e', ...b]);
    assert.equal(byTime.stdout, 'e\n');
    const fromFirst = await samsa([
      'consume',
      'cli-o',
      '--offset',
      `@${records[0].timestamp}`,
      '-n',
      '1',
      ...b,
    ]);
    assert.equal(fromFirst.stdout, 'a\n');
    const atEnd = await samsa(['consume', 'cli-o', '--offset', 'end', '--timeout-ms', '200', ...b]);
    assert.equal(atEnd.code, 0, atEnd.stderr);
    assert.equal(atEnd.stdout, '');
  });

  it('prints cluster info', async () => {
    const text = await samsa(['cluster', 'info', ...b]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^CLUSTER\nID\s+\S+\nCONTROLLER\s+\d+\nTOPICS\s+\d+\nUNDER-REPLICATED-PARTITIONS\s+0\nOFFLINE-PARTITIONS\s+0\n\nBROKERS\nID\s+HOST\s+PORT\s+RACK\n/,
    );
    const json = JSON.parse(
      (await samsa(['cluster', 'info', '-f', 'json'], '', { SAMSA_BROKERS: broker.bootstrap })).stdout,
    );
    assert.equal(`${json.brokers[0].host}:${json.brokers[0].port}`, broker.bootstrap);
  });

  it('prints one error line with the Kafka error name and exits 1', async () => {
    const missing = await samsa(['topic', 'describe', 'no-such-topic', ...b]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(
      missing.stderr,
      /^samsa topic: UNKNOWN_TOPIC_OR_PARTITION: topic 'no-such-topic': [^\n]+\n$/,
    );

    const badPartition = await samsa(['consume', 'no-such-topic', '-e', ...b]);
    assert.equal(badPartition.code, 1);
    assert.match(badPartition.stderr, /^samsa consume: UNKNOWN_TOPIC_OR_PARTITION: [^\n]+\n$/);

    const down = await samsa(['cluster', 'info', '--brokers', '127.0.0.1:1']);
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      /^samsa cluster: NETWORK_EXCEPTION: could not connect to 127\.0\.0\.1:1 [^\n]+\n$/,
    );
  });

  it('exits 2 on a bad command line and 0 on --help', async () => {
    const unknown = await samsa(['consume', 'x', '--bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^samsa consume: .*--bogus/);
    const noTopic = await samsa(['produce']);
    assert.equal(noTopic.code, 2);
    const badOffset = await samsa(['consume', 'x', '--offset', 'soon']);
    assert.equal(badOffset.code, 2);
    for (const args of [
      ['topic', '--help'],
      ['topic', 'create', '--help'],
      ['produce', '--help'],
      ['consume', '-h'],
    ]) {
      const help = await samsa(args);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: samsa /);
    }
  });
});
