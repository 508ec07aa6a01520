"""librdkafka producers for the transactions benchmark (Debian's python3-confluent-kafka).

    python3 bench/rdkafka-txn.py BOOTSTRAP TOPIC MODE COUNT SIZE [TXN_RECORDS]

MODE plain or idempotent: COUNT records of SIZE bytes with acks=all, timed from the first
produce() until flush() returns; prints {"records", "bytes", "seconds", "errors"}.
MODE transactions: COUNT transactions of TXN_RECORDS (default 100) records each, one after the
other (begin, produce, commit), timed from the first begin to the last commit; prints
{"transactions", "records", "seconds", "cpu_seconds", "errors"}, where cpu_seconds is the CPU time of
this process in that span, all threads (the application thread and librdkafka's own).
"""

import json
import sys
import time
import uuid

from rdkafka_stream import produce_all
from confluent_kafka import Producer

bootstrap, topic, mode, count, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
txn_records = int(sys.argv[6]) if len(sys.argv) > 6 else 100
config = {
    "bootstrap.servers": bootstrap,
    "acks": "all",
    "linger.ms": 5,
    "batch.num.messages": 10000,
    "queue.buffering.max.messages": 1000000,
    "queue.buffering.max.kbytes": 1048576,
}
if mode == "idempotent":
    config["enable.idempotence"] = True
elif mode == "transactions":
    config["transactional.id"] = "bench-" + uuid.uuid4().hex[:8]
    config["linger.ms"] = 0
value = b"x" * size
errors = [0]


def on_delivery(err, _msg):
    if err is not None:
        errors[0] += 1


producer = Producer(config)
producer.list_topics(topic, timeout=10)

if mode == "transactions":
    producer.init_transactions(30)
    cpu_start = time.process_time()
    start = time.perf_counter()
    for _ in range(count):
        producer.begin_transaction()
        for _ in range(txn_records):
            producer.produce(topic, value, on_delivery=on_delivery)
        producer.commit_transaction(30)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "transactions": count,
                "records": count * txn_records,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "errors": errors[0],
            }
        )
    )
    sys.exit(0)

seconds, remaining = produce_all(producer, topic, value, count, on_delivery, 120)
print(json.dumps({"records": count, "bytes": count * size, "seconds": seconds, "errors": errors[0] + remaining}))
