#!/usr/bin/python3
"""Reads a topic from the beginning to its end with librdkafka; prints `REC <partition> <offset> <value>`."""
import os
import sys

from confluent_kafka import Consumer, KafkaError, TopicPartition

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092")
TOPIC = os.environ["TOPIC"]
PARTITIONS = int(os.environ.get("PARTITIONS", "1"))

consumer = Consumer({
    "bootstrap.servers": BOOTSTRAP,
    "group.id": "unused",
    "enable.auto.commit": False,
    "enable.partition.eof": True,
    "check.crcs": True,
})
consumer.assign([TopicPartition(TOPIC, p, 0) for p in range(PARTITIONS)])
at_end = set()
while len(at_end) < PARTITIONS:
    msg = consumer.poll(10)
    if msg is None:
        sys.stderr.write("timed out before the end of the topic\n")
        sys.exit(2)
    if msg.error():
        if msg.error().code() == KafkaError._PARTITION_EOF:
            at_end.add(msg.partition())
            continue
        sys.stderr.write("error: %s\n" % msg.error())
        sys.exit(3)
    sys.stdout.write("REC %d %d %s\n" % (msg.partition(), msg.offset(), msg.value().decode()))
consumer.close()
