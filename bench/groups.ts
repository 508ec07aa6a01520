/**
 * Consumer group benchmark with librdkafka (python3-confluent-kafka) against one broker process:
 *
 * - rebalance latency: a group of N-1 members is consuming; one more member subscribes; the time
 *   from its subscribe() until every one of the N members has its new assignment and has received
 *   a record from it (eager `range` protocol, so every member rejoins). N = 1 is a member joining
 *   an empty group. The broker runs with group.initial.rebalance.delay.ms=0, so this is the time
 *   "after the initial delay". Members heartbeat every 100 ms (heartbeat.interval.ms): the others
 *   learn of the rebalance from their next heartbeat, so the interval bounds the latency from below.
 *   Target: a 10-member rebalance in under 1 s.
 * - commit throughput: one member commits one partition's offset per OffsetCommit, asynchronously,
 *   and the time runs until the last commit is acknowledged. Target: >= 20,000 commits/s.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/groups.js [--sizes 1,10,50] [--rounds R] [--commits N] [--no-save]
 *
 * Writes JSON to bench/results/<date>-groups.json.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { saveResult } from './throughput/report.js';

const PYTHON = '/usr/bin/python3';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,10,50' },
    rounds: { type: 'string', default: '3' },
    commits: { type: 'string', default: '100000' },
    out: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: node dist/bench/groups.js [--sizes 1,10,50] [--rounds R] [--commits N] [--out file] [--no-save]\n',
  );
  process.exit(0);
}
const sizes = values.sizes.split(',').map(Number);
const rounds = Number(values.rounds);
const commits = Number(values.commits);

/**
 * The librdkafka side, one Python process per measurement. Prints one JSON line.
 *   rebalance BOOTSTRAP N ROUNDS: {"latencies": [seconds...]}
 *   commits BOOTSTRAP COUNT:      {"commits", "seconds", "errors"}
 */
const DRIVER = `
import json, sys, threading, time, uuid
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

mode, bootstrap = sys.argv[1], sys.argv[2]
run = uuid.uuid4().hex[:8]
admin = AdminClient({"bootstrap.servers": bootstrap})

def topic_with_records(name, partitions, per_partition):
    admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])[name].result(30)
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for part in range(partitions):
        for i in range(per_partition):
            p.produce(name, value=b"x" * 100, partition=part)
        p.poll(0)
    assert p.flush(60) == 0

def consumer(group, extra=None):
    conf = {"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
            "enable.auto.commit": False, "session.timeout.ms": 6000, "heartbeat.interval.ms": 100,
            "partition.assignment.strategy": "range", "fetch.wait.max.ms": 50}
    conf.update(extra or {})
    return Consumer(conf)

class Member(threading.Thread):
    """Polls until stopped; notes when its latest assignment came and when a record of it arrived."""
    def __init__(self, group, topic):
        super().__init__(daemon=True)
        self.group, self.topic = group, topic
        self.assigned_at = None
        self.first_record_at = None
        self.partitions = []
        self.stop = threading.Event()
        self.subscribed_at = None
    def on_assign(self, c, parts):
        self.partitions = [p.partition for p in parts]
        self.assigned_at = time.monotonic()
        self.first_record_at = None
    def on_revoke(self, c, parts):
        self.partitions = []
        self.assigned_at = None
        self.first_record_at = None
    def run(self):
        c = consumer(self.group)
        self.subscribed_at = time.monotonic()
        c.subscribe([self.topic], on_assign=self.on_assign, on_revoke=self.on_revoke)
        while not self.stop.is_set():
            m = c.poll(0.05)
            if m is not None and not m.error() and self.assigned_at is not None and self.first_record_at is None:
                self.first_record_at = time.monotonic()
        c.close()

def settled(members, since):
    parts = sorted(p for m in members for p in m.partitions)
    return all(m.assigned_at is not None and m.assigned_at >= since and m.first_record_at is not None
               for m in members if m.partitions) and len(parts) == len(set(parts)) and len(parts) == partitions

if mode == "rebalance":
    n, rounds = int(sys.argv[3]), int(sys.argv[4])
    partitions = max(n, 2)
    topic = "bench_rebalance_%d_%s" % (n, run)
    topic_with_records(topic, partitions, 2000)
    group = "bench_rebalance_%d_%s" % (n, run)
    members = []
    for _ in range(n - 1):
        m = Member(group, topic); m.start(); members.append(m)
    latencies = []
    for r in range(rounds):
        deadline = time.monotonic() + 60
        while members and not settled(members, 0) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)
        joiner = Member(group, topic)
        start = time.monotonic()
        joiner.start()
        everyone = members + [joiner]
        while time.monotonic() < start + 60:
            if settled(everyone, start) and joiner.first_record_at is not None:
                break
            time.sleep(0.002)
        else:
            raise SystemExit("round %d: the group did not settle in 60 s" % r)
        latencies.append(max(m.first_record_at for m in everyone if m.partitions) - start)
        # The joiner leaves again (LeaveGroup), and the next round starts from N-1 settled members.
        joiner.stop.set(); joiner.join(30)
    for m in members: m.stop.set()
    for m in members: m.join(30)
    print(json.dumps({"latencies": latencies}))

elif mode == "commits":
    count = int(sys.argv[3])
    topic = "bench_commits_" + run
    topic_with_records(topic, 1, 10)
    acked = [0]; errors = [0]; done = threading.Event()
    def on_commit(err, parts):
        acked[0] += 1
        if err is not None or any(p.error is not None for p in parts): errors[0] += 1
        if acked[0] == count: done.set()
    c = consumer("bench_commits_" + run, {"on_commit": on_commit})
    c.subscribe([topic])
    while not c.assignment():
        c.poll(0.1)
    start = time.monotonic()
    for i in range(count):
        c.commit(offsets=[TopicPartition(topic, 0, i + 1)], asynchronous=True)
        if i % 100 == 0: c.poll(0)
    while not done.is_set() and time.monotonic() < start + 120:
        c.poll(0.01)
    seconds = time.monotonic() - start
    committed = c.committed([TopicPartition(topic, 0)], timeout=10)[0].offset
    c.close()
    print(json.dumps({"commits": acked[0], "seconds": seconds, "errors": errors[0], "lastCommitted": committed}))
`;

function drive(args: string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', DRIVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0)
        return reject(new Error(`driver ${args.join(' ')} exited ${code}: ${stderr.slice(-4000)}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (s: number) => Math.round(s * 1000);

const broker = await startBenchBroker();
const loadBefore = loadAverage();
try {
  const rebalance: { members: number; latenciesMs: number[]; medianMs: number; maxMs: number }[] = [];
  for (const n of sizes) {
    const r = await drive(['rebalance', broker.bootstrap, String(n), String(rounds)]);
    const latencies = (r.latencies as number[]).map(ms);
    rebalance.push({
      members: n,
      latenciesMs: latencies,
      medianMs: median(latencies),
      maxMs: Math.max(...latencies),
    });
    process.stdout.write(
      `rebalance, ${String(n).padStart(2)} members: median ${median(latencies)} ms (rounds: ${latencies.join(', ')} ms)\n`,
    );
  }
  const c = await drive(['commits', broker.bootstrap, String(commits)]);
  if (c.errors !== 0) throw new Error(`commits: ${c.errors} failed`);
  if (c.lastCommitted !== commits)
    throw new Error(`commits: last committed offset ${c.lastCommitted}, not ${commits}`);
  const commitsPerSecond = Math.round(c.commits / c.seconds);
  process.stdout.write(
    `commits: ${commitsPerSecond}/s (${c.commits} async commits in ${c.seconds.toFixed(2)} s)\n`,
  );

  const ten = rebalance.find((r) => r.members === 10);
  const result = {
    scenario: 'groups',
    date: new Date().toISOString(),
    command: `node dist/bench/groups.js --sizes ${values.sizes} --rounds ${rounds} --commits ${commits}`,
    broker: broker.command,
    client:
      'librdkafka 2.0.2 via python3-confluent-kafka (range assignor, heartbeat.interval.ms=100, session.timeout.ms=6000)',
    machine: machineInfo(),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
    rebalance,
    commitsPerSecond,
    targets: {
      tenMemberRebalanceMs: { target: 1000, met: ten === undefined ? null : ten.medianMs < 1000 },
      commitsPerSecond: { target: 20_000, met: commitsPerSecond >= 20_000 },
    },
  };
  process.stdout.write(
    `load average before/after: ${loadBefore.join(' ')} / ${result.loadAverageAfter.join(' ')}\n`,
  );
  if (!values['no-save']) {
    const out = saveResult(result, 'groups', result.date, values.out);
    process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  }
} finally {
  await broker.stop();
}
