#!/usr/bin/python3
"""librdkafka (confluent-kafka): offsets committed during a rebalance are seen by the next owner.

A consumer reads both partitions of a topic; a second consumer joins. In its revoke callback
(while the group is preparing the rebalance) the first commits its positions synchronously; Kafka
accepts such commits from a member of the current generation, so the new owner of a moved
partition must see the committed offset and start exactly there. Done with the eager `range` and
the incremental `cooperative-sticky` assignors.

Takes the bootstrap address in BOOTSTRAP, prints PASS/FAIL per check and ends with
`rebalance-commits: N passed, M failed`; exit status 0 only when M is 0.
"""
import os
import time
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from scenario import Scenario

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092")
RUN = uuid.uuid4().hex[:8]
scenario = Scenario("rebalance-commits")
check = scenario.check

topic = "rebalance_commits_" + RUN
admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])[topic].result(15)
producer = Producer({"bootstrap.servers": BOOTSTRAP})
for i in range(400):
    producer.produce(topic, partition=i % 2, value=b"%d" % i)
producer.flush(15)

for strategy in ("range", "cooperative-sticky"):
    group = "rebalance_%s_%s" % (strategy, RUN)
    committed = {}

    def on_revoke(consumer, partitions):
        positions = [tp for tp in consumer.position(partitions) if tp.offset >= 0]
        if positions:
            for tp in consumer.commit(offsets=positions, asynchronous=False):
                committed[tp.partition] = (tp.offset, tp.error)

    conf = {"bootstrap.servers": BOOTSTRAP, "group.id": group, "enable.auto.commit": False,
            "auto.offset.reset": "earliest", "partition.assignment.strategy": strategy}
    first = Consumer(conf)
    first.subscribe([topic], on_revoke=on_revoke)
    counts = {0: 0, 1: 0}
    deadline = time.time() + 30
    while time.time() < deadline and min(counts.values()) < 20:
        msg = first.poll(0.2)
        if msg is not None and not msg.error():
            counts[msg.partition()] += 1

    assigned = []
    second = Consumer(conf)
    second.subscribe([topic], on_assign=lambda c, parts: assigned.extend(parts))
    first_offsets = {}
    topped_up = False
    deadline = time.time() + 40
    while time.time() < deadline and (not assigned or len(first_offsets) < len(assigned)):
        if assigned and not topped_up:
            # A record after the committed position of every partition, even one read to its end.
            for partition in (0, 1):
                producer.produce(topic, partition=partition, value=b"after")
            producer.flush(15)
            topped_up = True
        first.poll(0.1)
        msg = second.poll(0.1)
        if msg is not None and not msg.error():
            first_offsets.setdefault(msg.partition(), msg.offset())
    moved = [tp.partition for tp in assigned]
    check("%s: the joining consumer is given a partition" % strategy, len(moved) > 0, assigned)
    check("%s: the commits made while revoking are accepted" % strategy,
          all(p in committed and committed[p][1] is None for p in moved), committed)
    seen = {tp.partition: tp.offset for tp in second.committed(assigned, timeout=10)}
    check("%s: the new owner sees the offsets committed during the rebalance" % strategy,
          all(seen.get(p) == committed.get(p, (None,))[0] for p in moved), (seen, committed))
    check("%s: and resumes exactly there" % strategy,
          all(first_offsets.get(p) == committed.get(p, (None,))[0] for p in moved), (first_offsets, committed))
    first.close()
    second.close()
scenario.finish()
