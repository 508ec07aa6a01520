#!/usr/bin/python3
"""kafka-python 2.0.2: admin topics, acks=all produce, manual assign + seek, offset lookups.

Takes the bootstrap address in BOOTSTRAP, prints PASS/FAIL per check and ends with
`admin-offsets: N passed, M failed`; exit status 0 only when M is 0.
"""
import os
import time
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from scenario import Scenario

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092").split(",")
RUN = uuid.uuid4().hex[:8]
scenario = Scenario("admin-offsets")
check = scenario.check
finish = scenario.finish


def attempt(name, fn):
    """Runs one step; an exception is a failed check rather than the end of the run."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - report every client error as a failed check
        check(name, False, "%s: %s" % (type(e).__name__, e))
        return None


topic = "admin_offsets_" + RUN
admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id="samsa-compat-admin", request_timeout_ms=10000)

# 1. Admin: create, create again, list, describe.
response = attempt("create_topics", lambda: admin.create_topics(
    [NewTopic(name=topic, num_partitions=3, replication_factor=1)], timeout_ms=10000))
if response is not None:
    errors = [(t[0], t[1]) for t in response.topic_errors]
    check("create_topics creates a 3-partition topic", errors == [(topic, 0)], repr(errors))
# kafka-python raises the topic's error code rather than returning it.
try:
    admin.create_topics([NewTopic(name=topic, num_partitions=3, replication_factor=1)], timeout_ms=10000)
    check("creating it again answers TOPIC_ALREADY_EXISTS", False, "no error")
except TopicAlreadyExistsError:
    check("creating it again answers TOPIC_ALREADY_EXISTS", True)
except Exception as e:  # noqa: BLE001
    check("creating it again answers TOPIC_ALREADY_EXISTS", False, "%s: %s" % (type(e).__name__, e))

topics = attempt("list_topics", admin.list_topics)
if topics is not None:
    check("list_topics includes the topic", topic in topics, repr(topics))

described = attempt("describe_topics", lambda: admin.describe_topics([topic]))
if described is not None:
    ok = len(described) == 1 and described[0]["topic"] == topic and described[0]["error_code"] == 0
    check("describe_topics answers the topic without error", ok, repr(described))
    if ok:
        parts = sorted(described[0]["partitions"], key=lambda p: p["partition"])
        check("describe_topics shows partitions 0..2, each led by an in-sync replica",
              [p["partition"] for p in parts] == [0, 1, 2]
              and all(p["error_code"] == 0 and p["leader"] >= 0 and p["leader"] in p["isr"] for p in parts),
              repr(parts))
admin.close()

# 2. Produce with acks=all: partition p gets 10 + p records, timestamps one second apart.
base_ts = int(time.time() * 1000) - 600000
producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", linger_ms=5)
sent = {p: [] for p in range(3)}
futures = []
for p in range(3):
    for i in range(10 + p):
        value = ("p%d-r%d" % (p, i)).encode()
        futures.append((p, i, producer.send(topic, key=b"k%d" % i, value=value, partition=p,
                                             timestamp_ms=base_ts + i * 1000)))
        sent[p].append(value)
producer.flush(timeout=20)
metas = []
for p, i, future in futures:
    meta = attempt("produce record %d to partition %d" % (i, p), lambda f=future: f.get(timeout=10))
    metas.append((p, i, meta))
producer.close()
check("acks=all: every record acknowledged at its expected offset",
      all(m is not None and m.partition == p and m.offset == i for p, i, m in metas),
      repr([(p, i, m and (m.partition, m.offset)) for p, i, m in metas if m is None or m.offset != i][:5]))
check("acks=all: record metadata carries the producer's timestamps",
      all(m is not None and m.timestamp == base_ts + i * 1000 for p, i, m in metas),
      repr([(p, i, m and m.timestamp) for p, i, m in metas][:3]))

# 3. A consumer with no group: manual assign, seek, offset lookups.
consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None, enable_auto_commit=False,
                         auto_offset_reset="earliest", request_timeout_ms=15000)
tps = [TopicPartition(topic, p) for p in range(3)]

beginning = attempt("beginning_offsets", lambda: consumer.beginning_offsets(tps))
if beginning is not None:
    check("beginning_offsets are 0", beginning == {tp: 0 for tp in tps}, repr(beginning))
end = attempt("end_offsets", lambda: consumer.end_offsets(tps))
if end is not None:
    check("end_offsets equal the records produced", end == {tp: 10 + tp.partition for tp in tps}, repr(end))

lookup = attempt("offsets_for_times", lambda: consumer.offsets_for_times({
    tps[0]: base_ts + 4500,    # between records 4 and 5
    tps[1]: base_ts,           # exactly the first record
    tps[2]: base_ts + 3600000,  # after the last record
}))
if lookup is not None:
    got0, got1, got2 = lookup.get(tps[0]), lookup.get(tps[1]), lookup.get(tps[2])
    check("offsets_for_times finds the first record at or after the time",
          got0 is not None and (got0.offset, got0.timestamp) == (5, base_ts + 5000), repr(got0))
    check("offsets_for_times matches an exact timestamp",
          got1 is not None and (got1.offset, got1.timestamp) == (0, base_ts), repr(got1))
    check("offsets_for_times answers None past the last record", got2 is None, repr(got2))


def poll_until(count, timeout_s=15):
    got = []
    deadline = time.time() + timeout_s
    while len(got) < count and time.time() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            got.extend(records)
    return got


consumer.assign([tps[1]])
consumer.seek(tps[1], 7)
got = attempt("poll after seek", lambda: poll_until(4))
if got is not None:
    check("seek to offset 7 reads offsets 7..10 of partition 1",
          [(r.partition, r.offset) for r in got] == [(1, o) for o in range(7, 11)],
          repr([(r.partition, r.offset) for r in got]))
    check("records after seek carry their keys, values and timestamps",
          [(r.key, r.value, r.timestamp) for r in got]
          == [(b"k%d" % i, sent[1][i], base_ts + i * 1000) for i in range(7, 11)],
          repr([(r.key, r.value, r.timestamp) for r in got]))

consumer.assign([tps[0], tps[2]])
consumer.seek_to_beginning(tps[0])
consumer.seek(tps[2], 11)
got = attempt("poll two partitions", lambda: poll_until(11))
if got is not None:
    by_partition = {p: [r.value for r in got if r.partition == p] for p in range(3)}
    check("reassigned consumer reads partition 0 from the beginning and partition 2 from offset 11",
          by_partition == {0: sent[0], 1: [], 2: sent[2][11:]}, repr(by_partition))
consumer.close()

finish()
