#!/usr/bin/python3
"""librdkafka (confluent-kafka): transactions whose records span many log segments.

A topic with segment.bytes=20000 and max.message.bytes=10000 gets an aborted transaction of 1,000
records of 1,000 bytes (linger 10 s, so the batches are as large as the topic allows), then a
committed one of the same size. A read_committed consumer must see none of the aborted records and
every committed one; read_uncommitted sees both. The topic name is printed as `TOPIC <name>` so
the test can count the segments on disk. Then a read_committed consumer starting at the end while
a transaction is open must see that transaction's records once it commits (ListOffsets answers
the LSO, not the high watermark).

Takes the bootstrap address in BOOTSTRAP, prints PASS/FAIL per check and ends with
`txn-segments: N passed, M failed`; exit status 0 only when M is 0.
"""
import os
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from scenario import Scenario

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092")
RUN = uuid.uuid4().hex[:8]
RECORDS = 1000
VALUE_BYTES = 1000
scenario = Scenario("txn-segments")
check = scenario.check
finish = scenario.finish


def value(tag, i):
    head = ("%s-%d:" % (tag, i)).encode()
    return head + b"x" * (VALUE_BYTES - len(head))


topic = "txn_segments_" + RUN
print("TOPIC " + topic)
admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
try:
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1, config={
        "segment.bytes": "20000", "max.message.bytes": "10000"})])[topic].result(15)
    check("create a topic with segment.bytes=20000, max.message.bytes=10000", True)
except KafkaException as e:
    check("create a topic with segment.bytes=20000, max.message.bytes=10000", False, e)
    finish()

producer = Producer({
    "bootstrap.servers": BOOTSTRAP,
    "transactional.id": "txseg_" + RUN,
    "linger.ms": 10000,
    # A batch must fit the topic's max.message.bytes (batch overhead included).
    "batch.size": 9000,
})
try:
    producer.init_transactions(20)
    producer.begin_transaction()
    for i in range(RECORDS):
        producer.produce(topic, value=value("abort", i))
    # Everything on the broker before the abort (abort_transaction purges what is still queued).
    remaining = producer.flush(60)
    check("the aborted transaction's records are all written before the abort", remaining == 0, remaining)
    producer.abort_transaction(30)
    producer.begin_transaction()
    for i in range(RECORDS):
        producer.produce(topic, value=value("commit", i))
    producer.commit_transaction(60)
    check("abort one transaction of %d records, commit another" % RECORDS, True)
except KafkaException as e:
    check("abort one transaction of %d records, commit another" % RECORDS, False, e)
    finish()


def read_all(isolation, expect):
    """Every record of partition 0 from the start, until `expect` arrived and 2 s passed idle."""
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "txseg_r_" + uuid.uuid4().hex[:6],
                  "isolation.level": isolation, "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, -2)])  # OFFSET_BEGINNING
    tags = {"abort": 0, "commit": 0}
    deadline = time.time() + 60
    idle_since = None
    while time.time() < deadline:
        msg = c.poll(0.5)
        if msg is None:
            if tags["commit"] >= expect:
                idle_since = idle_since or time.time()
                if time.time() - idle_since > 2:
                    break
            continue
        if msg.error():
            print("consumer error: %s" % msg.error())
            continue
        idle_since = None
        tags[msg.value().split(b"-", 1)[0].decode()] += 1
    c.close()
    return tags


committed = read_all("read_committed", RECORDS)
check("read_committed sees none of the aborted records", committed["abort"] == 0, committed["abort"])
check("read_committed sees every committed record", committed["commit"] == RECORDS, committed["commit"])
uncommitted = read_all("read_uncommitted", RECORDS)
check("read_uncommitted sees the aborted records too", uncommitted == {"abort": RECORDS, "commit": RECORDS},
      uncommitted)

# A read_committed consumer starting at the end while a transaction is open starts at the LSO (the
# transaction's first offset, not the high watermark past its records), so it sees all of it once
# committed.
try:
    producer.begin_transaction()
    for i in range(50):
        producer.produce(topic, value=value("late", i))
    remaining = producer.flush(30)
    check("an open transaction's 50 records are written", remaining == 0, remaining)
except KafkaException as e:
    check("an open transaction's 50 records are written", False, e)
    finish()
late = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "txseg_l_" + RUN,
                 "isolation.level": "read_committed", "enable.auto.commit": False})
late.assign([TopicPartition(topic, 0, -1)])  # OFFSET_END
# Let it look the end offset up (ListOffsets, read_committed) while the transaction is still open.
deadline = time.time() + 3
while time.time() < deadline:
    late.poll(0.2)
producer.commit_transaction(30)
seen = 0
deadline = time.time() + 30
while time.time() < deadline and seen < 50:
    msg = late.poll(0.5)
    if msg is not None and not msg.error() and msg.value().startswith(b"late-"):
        seen += 1
late.close()
check("read_committed from the end, started during the transaction, sees its 50 records after the commit",
      seen == 50, seen)
finish()
