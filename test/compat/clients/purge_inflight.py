#!/usr/bin/python3
"""librdkafka (confluent-kafka): rd_kafka_purge with a produce request in flight to a slow broker.

The scenario of librdkafka's own test 0086-purge (remote): max.in.flight=1, batches of 10, 19
records to one partition; once the first ProduceRequest is on its way (the broker's answers are
held back 3 s by a proxy in this script), purge(queue + in-flight) fails the 10 in-flight records
with _PURGE_INFLIGHT and the 9 queued with _PURGE_QUEUE. The producer then carries on: later
records are delivered (the idempotent producer takes a new producer id, as with Kafka). The broker
writes the in-flight batch it did receive, as Kafka does, and never the purged queued records.

The broker must advertise PROXY_PORT (where this script listens) and listen at REAL; BOOTSTRAP is
the proxy's address. Prints PASS/FAIL per check and ends with `purge-inflight: N passed, M failed`.
"""
import os
import socket
import struct
import threading
import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from scenario import Scenario

REAL_HOST, REAL_PORT = os.environ["REAL"].rsplit(":", 1)
PROXY_PORT = int(os.environ["PROXY_PORT"])
BOOTSTRAP = "127.0.0.1:%d" % PROXY_PORT
RUN = uuid.uuid4().hex[:8]
RESPONSE_DELAY_S = 3.0
scenario = Scenario("purge-inflight")
check = scenario.check
slow = threading.Event()
produce_sent = threading.Event()
hold_responses_until = [0.0]


def client_to_broker(src, dst):
    """Forwards requests, noting when a ProduceRequest (api key 0) goes through while slow."""
    buffered = b""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            buffered += data
            # The hold is set before the request is forwarded: a broker answering at once must not
            # see its response slip through ahead of it.
            while len(buffered) >= 6:
                size = struct.unpack(">i", buffered[:4])[0]
                if size > 0 and struct.unpack(">h", buffered[4:6])[0] == 0 and slow.is_set():
                    hold_responses_until[0] = time.time() + RESPONSE_DELAY_S
                    produce_sent.set()
                if len(buffered) < 4 + size:
                    break
                buffered = buffered[4 + size:]
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def broker_to_client(src, dst):
    """Forwards responses; those after the watched ProduceRequest are held back RESPONSE_DELAY_S."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            wait = hold_responses_until[0] - time.time()
            if wait > 0:
                time.sleep(wait)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(listener):
    while True:
        client, _ = listener.accept()
        broker = socket.create_connection((REAL_HOST, int(REAL_PORT)))
        threading.Thread(target=client_to_broker, args=(client, broker), daemon=True).start()
        threading.Thread(target=broker_to_client, args=(broker, client), daemon=True).start()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", PROXY_PORT))
listener.listen(16)
threading.Thread(target=serve, args=(listener,), daemon=True).start()

topic = "purge_inflight_" + RUN
admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(15)


def counts(reports):
    return {name: reports.count(name) for name in sorted(set(reports))}


for idempotence in (False, True):
    label = "idempotence=%s" % ("on" if idempotence else "off")
    fatal = []
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "enable.idempotence": idempotence,
                         "max.in.flight": 1, "batch.num.messages": 10, "linger.ms": 100,
                         "error_cb": lambda err: fatal.append(err) if err.fatal() else None})
    producer.produce(topic, value=b"warm-up")
    producer.flush(15)
    reports = []

    def report(err, _msg):
        reports.append(err.name() if err is not None else "OK")

    slow.set()
    produce_sent.clear()
    for i in range(19):
        producer.produce(topic, value=("purged-%s-%d" % (label, i)).encode(), on_delivery=report)
    check("%s: the first ProduceRequest is sent" % label, produce_sent.wait(15))
    producer.purge(in_queue=True, in_flight=True)
    slow.clear()
    deadline = time.time() + 20
    while time.time() < deadline and len(reports) < 19:
        producer.poll(0.2)
    check("%s: purge fails 10 in-flight and 9 queued records" % label,
          counts(reports) == {"_PURGE_INFLIGHT": 10, "_PURGE_QUEUE": 9}, counts(reports))
    reports.clear()
    for i in range(5):
        producer.produce(topic, value=("after-%s-%d" % (label, i)).encode(), on_delivery=report)
    started = time.time()
    left = producer.flush(30)
    print("%s: the later records took %.1f s (the broker answers after %.0f s)" % (label, time.time() - started, RESPONSE_DELAY_S))
    check("%s: later records are delivered" % label, left == 0 and reports == ["OK"] * 5, (left, reports))
    check("%s: no fatal producer error" % label, fatal == [], fatal)

consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "purge_" + RUN, "enable.auto.commit": False})
consumer.assign([TopicPartition(topic, 0, -2)])
values = []
deadline = time.time() + 20
while time.time() < deadline and sum(v.startswith("after-") for v in values) < 10:
    msg = consumer.poll(0.3)
    if msg is not None and not msg.error():
        values.append(msg.value().decode())
consumer.close()
for idempotence in ("off", "on"):
    label = "idempotence=%s" % idempotence
    purged = ["purged-%s-%d" % (label, i) for i in range(19)]
    check("%s: the broker wrote the in-flight batch it received, once, and none of the queued" % label,
          [v for v in values if v in purged] == purged[:10], [v for v in values if v in purged])
    check("%s: and the later records once" % label,
          [v for v in values if v.startswith("after-" + label)] == ["after-%s-%d" % (label, i) for i in range(5)])
scenario.finish()
