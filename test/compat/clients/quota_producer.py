#!/usr/bin/python3
"""confluent-kafka (librdkafka): a producer under a producer_byte_rate quota.

Produces 1000-byte records as fast as the client allows for DURATION seconds and prints, as JSON on
the last line, the payload bytes acknowledged per second between SKIP and DURATION seconds and the
throttle events librdkafka reported (throttle_cb). Takes BOOTSTRAP, TOPIC, CLIENT_ID, DURATION, SKIP.
"""
import json
import os
import sys
import time

from confluent_kafka import KafkaException, Producer

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092")
TOPIC = os.environ["TOPIC"]
DURATION = float(os.environ.get("DURATION", "8"))
SKIP = float(os.environ.get("SKIP", "2"))
VALUE = b"x" * 1000

acked = []  # (monotonic seconds, payload bytes)
throttles = []
errors = []


def on_delivery(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        acked.append((time.monotonic(), len(msg.value())))


def on_throttle(event):
    throttles.append(event.throttle_time)


producer = Producer(
    {
        "bootstrap.servers": BOOTSTRAP,
        "client.id": os.environ.get("CLIENT_ID", "quota-producer"),
        "acks": "1",
        "linger.ms": 5,
        "batch.size": 16384,
        "queue.buffering.max.messages": 200,
        "throttle_cb": on_throttle,
    }
)
start = time.monotonic()
while time.monotonic() - start < DURATION:
    try:
        producer.produce(TOPIC, VALUE, on_delivery=on_delivery)
        producer.poll(0)
    except BufferError:
        producer.poll(0.01)
    except KafkaException as e:
        errors.append(str(e))
        break
producer.flush(30)

window = [b for (t, b) in acked if SKIP <= t - start <= DURATION]
rate = sum(window) / (DURATION - SKIP)
print(
    json.dumps(
        {
            "rate": rate,
            "acked": sum(b for _, b in acked),
            "throttleEvents": len(throttles),
            "maxThrottleMs": round(max(throttles) * 1000) if throttles else 0,
            "errors": errors[:5],
        }
    )
)
sys.exit(0)
