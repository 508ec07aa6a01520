"""librdkafka producer for the throughput benchmark (Debian's python3-confluent-kafka).

Produces COUNT records of SIZE bytes (no key) to TOPIC, then flushes, and prints one JSON line:
{"records": n, "bytes": b, "seconds": s, "errors": e}, timed from the first produce() to the end
of flush(), i.e. until every record has been acknowledged.

    python3 bench/rdkafka-produce.py BOOTSTRAP TOPIC COUNT SIZE ACKS
"""

import json
import sys

from rdkafka_stream import produce_all
from confluent_kafka import KafkaError, Producer

bootstrap, topic, count, size, acks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
producer = Producer(
    {
        "bootstrap.servers": bootstrap,
        "acks": acks,
        "linger.ms": 5,
        "batch.num.messages": 10000,
        "queue.buffering.max.messages": 1000000,
        "queue.buffering.max.kbytes": 1048576,
    }
)
errors = [0]
first_error = [None]


def on_delivery(err: KafkaError, _msg: object) -> None:
    if err is not None:
        errors[0] += 1
        first_error[0] = first_error[0] or str(err)


# Metadata first, so that connection setup is not part of the timing.
producer.list_topics(topic, timeout=10)
value = b"x" * size
seconds, remaining = produce_all(producer, topic, value, count, on_delivery, 60)
print(
    json.dumps(
        {
            "records": count - remaining - errors[0],
            "bytes": (count - remaining - errors[0]) * size,
            "seconds": seconds,
            "errors": errors[0] + remaining,
            "firstError": first_error[0],
        }
    )
)
