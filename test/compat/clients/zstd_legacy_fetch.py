#!/usr/bin/python3
"""kafka-python 2.0.2: zstd over Produce v7 read back with Fetch v4, and old Fetch versions with small limits.

1. A producer with compression_type='zstd' (Produce v7) writes to a topic with the default
   compression.type (producer); the consumer, which fetches with v4, reads every record back, as
   from Kafka (only a topic configured compression.type=zstd is refused to Fetch < v10).
2. A topic configured compression.type=zstd: the v4 consumer gets none of its records (Kafka
   answers UNSUPPORTED_COMPRESSION_TYPE, which kafka-python 2.0.2 logs as an unknown error).
3. Consumers pinned to api_version 0.9 (Fetch v1, message format v0) and 0.10.1 (Fetch v3, v1)
   with small max_partition_fetch_bytes read every record of many v2 batches exactly once, in
   order, from answers cut to those limits.

Takes the bootstrap address in BOOTSTRAP, prints PASS/FAIL per check and ends with
`zstd-legacy-fetch: N passed, M failed`; exit status 0 only when M is 0.
"""
import os
import time
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from scenario import Scenario

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092").split(",")
RUN = uuid.uuid4().hex[:8]
scenario = Scenario("zstd-legacy-fetch")
check = scenario.check
finish = scenario.finish


def produce(topic, count, **config):
    producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, linger_ms=50, **config)
    futures = [producer.send(topic, value=("%s-%d" % (topic, i)).encode()) for i in range(count)]
    producer.flush(30)
    offsets = [f.get(timeout=10).offset for f in futures]
    producer.close()
    return offsets


def consume(topic, expect, seconds=30, **config):
    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, **config)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    got = []
    deadline = time.time() + seconds
    while time.time() < deadline and len(got) < expect:
        for records in consumer.poll(timeout_ms=500).values():
            got.extend(r.value.decode() for r in records)
    consumer.close()
    return got


admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP, request_timeout_ms=10000)
plain = "zstd_producer_" + RUN
configured = "zstd_configured_" + RUN
legacy = "legacy_limits_" + RUN
admin.create_topics([
    NewTopic(name=plain, num_partitions=1, replication_factor=1),
    NewTopic(name=configured, num_partitions=1, replication_factor=1, topic_configs={"compression.type": "zstd"}),
    NewTopic(name=legacy, num_partitions=1, replication_factor=1),
], timeout_ms=10000)
admin.close()

# 1. zstd batches (Produce v7) read back with Fetch v4.
try:
    offsets = produce(plain, 300, compression_type="zstd")
    check("kafka-python produces 300 records with zstd", offsets == list(range(300)), offsets[:5])
except Exception as e:  # noqa: BLE001 - report every client error as a failed check
    check("kafka-python produces 300 records with zstd", False, "%s: %s" % (type(e).__name__, e))
got = consume(plain, 300)
check("kafka-python (Fetch v4) reads the zstd records back, all and in order",
      got == ["%s-%d" % (plain, i) for i in range(300)], "%d records" % len(got))

# 2. A topic whose own compression.type is zstd is not served to Fetch v4.
try:
    produce(configured, 20)
    check("produce to a topic configured compression.type=zstd", True)
except Exception as e:  # noqa: BLE001
    check("produce to a topic configured compression.type=zstd", False, "%s: %s" % (type(e).__name__, e))
got = consume(configured, 1, seconds=4)
check("kafka-python (Fetch v4) gets nothing from a topic configured zstd, as from Kafka", got == [], got[:3])

# 3. Many v2 batches read by old fetch versions under small limits.
produce(legacy, 2000, batch_size=4096)
want = ["%s-%d" % (legacy, i) for i in range(2000)]
for api_version, fetch in (((0, 9), "Fetch v1"), ((0, 10, 1), "Fetch v3")):
    got = consume(legacy, 2000, api_version=api_version, max_partition_fetch_bytes=3000, fetch_max_bytes=6000)
    check("kafka-python api_version %s (%s, max_partition_fetch_bytes=3000) reads 2000 records once, in order"
          % (".".join(map(str, api_version)), fetch), got == want, "%d records" % len(got))
finish()
