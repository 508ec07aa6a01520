#!/usr/bin/python3
"""librdkafka (confluent-kafka): a cooperative-sticky group with members joining and leaving quickly.

Twelve partitions hold 6,000 records. Members of one `cooperative-sticky` group join and leave in
quick succession while they consume; each commits its positions when partitions are revoked (the
usual pattern for at-least-once). Every incremental assign and revoke is logged with a monotonic
timestamp. Checks: a partition is never owned by two members at once (the cooperative protocol
revokes before it reassigns); once the churn stops the survivors own every partition exactly once;
every record is consumed at least once; and the group's committed offsets end at the log end.

Takes the bootstrap address in BOOTSTRAP, prints PASS/FAIL per check and ends with
`cooperative-churn: N passed, M failed`; exit status 0 only when M is 0.
"""
import os
import threading
import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from scenario import Scenario

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092")
RUN = uuid.uuid4().hex[:8]
PARTITIONS = 12
RECORDS = 6000
scenario = Scenario("cooperative-churn")
check = scenario.check

topic = "coop_churn_" + RUN
group = "coop_churn_" + RUN
admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)])[topic].result(15)
producer = Producer({"bootstrap.servers": BOOTSTRAP, "linger.ms": 5})
for i in range(RECORDS):
    producer.produce(topic, partition=i % PARTITIONS, value=b"%d" % i)
producer.flush(30)

events = []  # (monotonic time, member, "assign" | "revoke", partition)
events_lock = threading.Lock()
seen = set()
seen_lock = threading.Lock()
errors = []


class Member(threading.Thread):
    def __init__(self, name):
        super().__init__(daemon=True)
        self.name_ = name
        self.stopping = threading.Event()
        self.owned = set()
        self.closed = threading.Event()

    def log(self, kind, partitions):
        now = time.monotonic()
        with events_lock:
            for tp in partitions:
                events.append((now, self.name_, kind, tp.partition))

    def on_assign(self, consumer, partitions):
        self.owned.update(tp.partition for tp in partitions)
        self.log("assign", partitions)

    def on_revoke(self, consumer, partitions):
        # Commit what was read before giving the partitions up (at-least-once handover).
        positions = [tp for tp in consumer.position(partitions) if tp.offset >= 0]
        if positions:
            try:
                consumer.commit(offsets=positions, asynchronous=False)
            except Exception as e:  # a commit refused during a rebalance is a finding
                errors.append("%s commit on revoke: %s" % (self.name_, e))
        # Logged after the commit: the next owner may only start once this returned.
        self.owned.difference_update(tp.partition for tp in partitions)
        self.log("revoke", partitions)

    def on_lost(self, consumer, partitions):
        self.owned.difference_update(tp.partition for tp in partitions)
        self.log("revoke", partitions)
        errors.append("%s lost %s" % (self.name_, sorted(tp.partition for tp in partitions)))

    def run(self):
        consumer = Consumer({
            "bootstrap.servers": BOOTSTRAP, "group.id": group, "enable.auto.commit": False,
            "auto.offset.reset": "earliest", "partition.assignment.strategy": "cooperative-sticky",
            "session.timeout.ms": 10000, "heartbeat.interval.ms": 500,
        })
        consumer.subscribe([topic], on_assign=self.on_assign, on_revoke=self.on_revoke,
                           on_lost=self.on_lost)
        try:
            while not self.stopping.is_set():
                msg = consumer.poll(0.05)
                if msg is not None and not msg.error():
                    with seen_lock:
                        seen.add(int(msg.value()))
        finally:
            consumer.close()
            self.closed.set()


members = []


def join(n):
    m = Member("m%d" % n)
    m.start()
    members.append(m)
    return m


def leave(m):
    m.stopping.set()
    m.closed.wait(30)


# The churn: four join 300 ms apart, two leave 300 ms apart, three more join, one more leaves.
for n in range(4):
    join(n)
    time.sleep(0.3)
time.sleep(2)
leave(members[0])
time.sleep(0.3)
leave(members[1])
for n in range(4, 7):
    join(n)
    time.sleep(0.3)
time.sleep(1)
leave(members[2])

survivors = [m for m in members if not m.stopping.is_set()]
deadline = time.time() + 60
stable_since = None
while time.time() < deadline:
    owned = [p for m in survivors for p in m.owned]
    done = sorted(owned) == list(range(PARTITIONS)) and len(seen) >= RECORDS
    if done:
        stable_since = stable_since or time.time()
        if time.time() - stable_since > 3:
            break
    else:
        stable_since = None
    time.sleep(0.1)

owned = sorted(p for m in survivors for p in m.owned)
check("the %d survivors own every partition exactly once" % len(survivors),
      owned == list(range(PARTITIONS)), {m.name_: sorted(m.owned) for m in survivors})
check("every record is consumed at least once", len(seen) == RECORDS, "%d of %d" % (len(seen), RECORDS))

# Ownership intervals per partition never overlap across members.
overlaps = []
with events_lock:
    ordered = sorted(events)
owner = {}
for at, member, kind, partition in ordered:
    if kind == "assign":
        if owner.get(partition) not in (None, member):
            overlaps.append((partition, owner[partition], member))
        owner[partition] = member
    elif owner.get(partition) == member:
        owner[partition] = None
check("no partition is owned by two members at once", not overlaps, overlaps[:5])
check("no commit refused and no partition lost during the churn", not errors, errors[:5])
rebalances = sum(1 for e in ordered if e[2] == "assign")
check("the churn moved partitions between members", rebalances > PARTITIONS, rebalances)

for m in survivors:
    leave(m)
# Every revoke committed its position: the group ends at the log end.
probe = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group, "enable.auto.commit": False})
committed = probe.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=15)
probe.close()
ends = {p: RECORDS // PARTITIONS for p in range(PARTITIONS)}
check("the committed offsets end at the log end", {tp.partition: tp.offset for tp in committed} == ends,
      {tp.partition: tp.offset for tp in committed})
scenario.finish()
