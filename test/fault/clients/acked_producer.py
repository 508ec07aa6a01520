#!/usr/bin/python3
"""Streams records with acks=all through librdkafka and prints every acknowledged one.

Each acknowledgement is printed as `ACK <partition> <offset> <value>` and flushed at once, so a
test that kills the broker mid-stream knows exactly which records the broker promised to keep.
Runs until killed, or, with COUNT set, sends exactly COUNT records and waits for them.
"""
import os
import sys

from confluent_kafka import Producer

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092")
TOPIC = os.environ["TOPIC"]
COUNT = int(os.environ["COUNT"]) if "COUNT" in os.environ else None

producer = Producer({
    "bootstrap.servers": BOOTSTRAP,
    "acks": "all",
    "linger.ms": 2,
    "message.timeout.ms": 5000,
    "retries": 0,
    "reconnect.backoff.max.ms": 200,
})
acked = 0


def on_delivery(err, msg):
    global acked
    if err is None:
        acked += 1
        sys.stdout.write("ACK %d %d %s\n" % (msg.partition(), msg.offset(), msg.value().decode()))
        sys.stdout.flush()


i = 0
while COUNT is None or i < COUNT:
    try:
        producer.produce(TOPIC, value=("record-%d" % i).encode(), on_delivery=on_delivery)
        i += 1
    except BufferError:
        producer.poll(0.05)
        continue
    if i % 100 == 0:
        producer.poll(0)
producer.flush(10)
