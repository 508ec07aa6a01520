"""End-to-end latency with librdkafka (Debian's python3-confluent-kafka): a producer sends RATE
records/s of SIZE bytes to TOPIC for SECONDS, each value starting with its send time; a consumer
(assigned every partition at the end, in a thread of its own) notes when each arrives. Prints one
JSON line: {"sent": n, "received": m, "p50Ms": .., "p99Ms": .., "maxMs": .., "rate": achieved}.

    python3 bench/rdkafka-latency.py BOOTSTRAP TOPIC PARTITIONS RATE SECONDS SIZE ACKS
"""

import json
import sys
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_END

bootstrap, topic = sys.argv[1], sys.argv[2]
partitions, rate, seconds, size, acks = (
    int(sys.argv[3]),
    float(sys.argv[4]),
    float(sys.argv[5]),
    int(sys.argv[6]),
    sys.argv[7],
)

consumer = Consumer(
    {
        "bootstrap.servers": bootstrap,
        "group.id": "latency-bench",
        "enable.auto.commit": False,
        "fetch.wait.max.ms": 100,
        "fetch.min.bytes": 1,
    }
)
consumer.assign([TopicPartition(topic, p, OFFSET_END) for p in range(partitions)])
latencies = []
stop = threading.Event()


def consume() -> None:
    while not stop.is_set():
        for msg in consumer.consume(1000, 0.05):
            if msg.error() is None:
                now = time.time_ns()
                latencies.append((now - int(msg.value()[:19])) / 1e6)


# Wait for the assignment to reach the end offsets before producing.
consumer.consume(1, 2.0)
reader = threading.Thread(target=consume)
reader.start()

producer = Producer({"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 1})
producer.list_topics(topic, timeout=10)
padding = b"x" * max(0, size - 19)
count = int(rate * seconds)
start = time.monotonic()
for i in range(count):
    due = start + i / rate
    while True:
        now = time.monotonic()
        if now >= due:
            break
        producer.poll(min(due - now, 0.001))
    producer.produce(topic, b"%019d" % time.time_ns() + padding, partition=i % partitions)
    producer.poll(0)
producer.flush(30)
elapsed = time.monotonic() - start
deadline = time.monotonic() + 10
while len(latencies) < count and time.monotonic() < deadline:
    time.sleep(0.05)
stop.set()
reader.join()
consumer.close()
ordered = sorted(latencies)


def pct(q: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else -1


print(
    json.dumps(
        {
            "sent": count,
            "received": len(ordered),
            "p50Ms": pct(0.5),
            "p99Ms": pct(0.99),
            "maxMs": round(ordered[-1], 2) if ordered else -1,
            "rate": round(count / elapsed),
        }
    )
)
