"""Produces COUNT records (values PREFIX-0 .. PREFIX-<COUNT-1>) to partition 0 of TOPIC with
confluent-kafka (librdkafka), acks=all unless overridden, and prints one JSON line: the acknowledged
records with their offsets, and the failed deliveries counted by error name.

    BOOTSTRAP=host:port /usr/bin/python3 produce_acks.py TOPIC COUNT PREFIX [librdkafka.key=value ...]
"""

import json
import os
import sys

from confluent_kafka import Producer

topic, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conf = {"bootstrap.servers": os.environ["BOOTSTRAP"], "acks": "all", "linger.ms": 5}
for setting in sys.argv[4:]:
    key, value = setting.split("=", 1)
    conf[key] = value
producer = Producer(conf)
acked = []
errors = {}


def on_delivery(err, msg):
    if err is None:
        acked.append({"value": msg.value().decode(), "offset": msg.offset()})
    else:
        errors[err.name()] = errors.get(err.name(), 0) + 1


for i in range(count):
    producer.produce(topic, value=f"{prefix}-{i}".encode(), partition=0, on_delivery=on_delivery)
    producer.poll(0)
left = producer.flush(60)
print(json.dumps({"acked": acked, "errors": errors, "unflushed": left}))
