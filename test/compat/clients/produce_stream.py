"""Streams records to TOPIC with confluent-kafka (librdkafka) until stdin closes, then flushes.

Record i (value "PREFIX-i") goes to partition i % PARTITIONS, at RATE records/s. Each delivery
report is one line on stdout, as it arrives:

    A <partition> <offset> <value> <wall-clock ms> <record timestamp>    acknowledged
    E <error name> <value> <wall-clock ms>             failed

and after the flush one line `D {"produced": n, "unflushed": m}`. Settings after RATE are
librdkafka `key=value` pairs over acks=all, enable.idempotence=true, linger.ms=5.

    BOOTSTRAP=host:port /usr/bin/python3 produce_stream.py TOPIC PARTITIONS RATE PREFIX [key=value ...]
"""

import json
import os
import sys
import threading
import time

from confluent_kafka import Producer

topic, partitions, rate, prefix = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
conf = {
    "bootstrap.servers": os.environ["BOOTSTRAP"],
    "acks": "all",
    "enable.idempotence": True,
    "linger.ms": 5,
    # Retry through any number of failovers: only the test decides when to stop.
    "message.timeout.ms": 600000,
}
for setting in sys.argv[5:]:
    key, value = setting.split("=", 1)
    conf[key] = value
producer = Producer(conf)
out = sys.stdout
stop = threading.Event()


def read_stdin() -> None:
    for _ in sys.stdin:
        pass
    stop.set()


threading.Thread(target=read_stdin, daemon=True).start()


def on_delivery(err, msg):
    now = int(time.time() * 1000)
    if err is None:
        out.write(f"A {msg.partition()} {msg.offset()} {msg.value().decode()} {now} {msg.timestamp()[1]}\n")
    else:
        out.write(f"E {err.name()} {msg.value().decode()} {now}\n")
    out.flush()


producer.list_topics(topic, timeout=30)
start = time.monotonic()
produced = 0
while not stop.is_set():
    due = int((time.monotonic() - start) * rate) + 1
    while produced < due:
        try:
            producer.produce(
                topic, value=f"{prefix}-{produced}".encode(), partition=produced % partitions, on_delivery=on_delivery
            )
        except BufferError:
            break
        produced += 1
    producer.poll(0.002)
left = producer.flush(120)
out.write("D " + json.dumps({"produced": produced, "unflushed": left}) + "\n")
out.flush()
