"""Real clients over Samsa's secured listeners.

kafka-python 2.0.2 over SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (its v0
SaslHandshake followed by raw tokens), and confluent-kafka (librdkafka 2.0.2) over SSL without and
with a client certificate and over SASL_SSL with SCRAM-SHA-512. Wrong passwords and a missing
client certificate must fail. Listener addresses and files come from the environment.
"""
import os
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError

ENV = os.environ
passed = failed = 0


def check(name, fn):
    global passed, failed
    try:
        detail = fn()
    except Exception as e:  # noqa: BLE001 - the report carries any failure
        detail = f"{type(e).__name__}: {e}"
    if detail is None:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name} — {detail}", flush=True)


def topic(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def kafka_python_roundtrip(mechanism, user, password):
    common = dict(
        bootstrap_servers=ENV["SASL_PLAINTEXT"],
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism=mechanism,
        sasl_plain_username=user,
        sasl_plain_password=password,
    )
    name = topic("kp-sasl")
    producer = KafkaProducer(acks="all", **common)
    for i in range(10):
        producer.send(name, f"v{i}".encode()).get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(name, auto_offset_reset="earliest", consumer_timeout_ms=10_000, **common)
    values = [m.value.decode() for m in consumer]
    consumer.close()
    expected = [f"v{i}" for i in range(10)]
    return None if values == expected else f"consumed {values}"


def kafka_python_wrong_password():
    try:
        producer = KafkaProducer(
            bootstrap_servers=ENV["SASL_PLAINTEXT"],
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-512",
            sasl_plain_username=ENV["SCRAM_USER"],
            sasl_plain_password="not-the-password",
            api_version_auto_timeout_ms=5_000,
            request_timeout_ms=5_000,
        )
        producer.send(topic("kp-wrong"), b"x").get(timeout=10)
    except KafkaError:
        return None
    return "a producer with a wrong password got a record acknowledged"


def librdkafka_roundtrip(listener, extra):
    name = topic("rdk")
    conf = {"bootstrap.servers": ENV[listener], "ssl.ca.location": ENV["CA"], **extra}
    producer = Producer(conf)
    errors = []
    for i in range(10):
        producer.produce(name, f"v{i}".encode(), on_delivery=lambda err, _msg: err and errors.append(err))
    remaining = producer.flush(30)
    if remaining or errors:
        return f"{remaining} unsent, errors {errors[:3]}"
    consumer = Consumer({**conf, "group.id": f"g-{name}", "auto.offset.reset": "earliest"})
    consumer.subscribe([name])
    values = []
    deadline = time.time() + 30
    while len(values) < 10 and time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            return f"consume error {msg.error()}"
        values.append(msg.value().decode())
    consumer.close()
    expected = [f"v{i}" for i in range(10)]
    return None if values == expected else f"consumed {values}"


def librdkafka_refused(listener, extra):
    conf = {
        "bootstrap.servers": ENV[listener],
        "ssl.ca.location": ENV["CA"],
        "socket.timeout.ms": 5000,
        "message.timeout.ms": 5000,
        **extra,
    }
    errors = []
    conf["error_cb"] = lambda err: errors.append(err)
    producer = Producer(conf)
    delivered = []
    producer.produce(topic("rdk-refused"), b"x", on_delivery=lambda err, _m: delivered.append(err))
    producer.flush(15)
    if delivered and delivered[0] is None:
        return "the record was acknowledged"
    return None if errors or delivered else "no error reported"


USER = ENV["SCRAM_USER"]
PASSWORD = ENV["SCRAM_PASSWORD"]

check("kafka-python SASL_PLAINTEXT PLAIN roundtrip", lambda: kafka_python_roundtrip("PLAIN", "alice", "alice-secret"))
check("kafka-python SASL_PLAINTEXT SCRAM-SHA-256 roundtrip", lambda: kafka_python_roundtrip("SCRAM-SHA-256", USER, PASSWORD))
check("kafka-python SASL_PLAINTEXT SCRAM-SHA-512 roundtrip", lambda: kafka_python_roundtrip("SCRAM-SHA-512", USER, PASSWORD))
check("kafka-python SCRAM-SHA-512 wrong password fails", kafka_python_wrong_password)
check("confluent-kafka SSL roundtrip without a client certificate", lambda: librdkafka_roundtrip("SSL", {"security.protocol": "SSL"}))
check(
    "confluent-kafka SSL roundtrip with a client certificate (ssl.client.auth=required)",
    lambda: librdkafka_roundtrip(
        "MTLS",
        {"security.protocol": "SSL", "ssl.certificate.location": ENV["CLIENT_CERT"], "ssl.key.location": ENV["CLIENT_KEY"]},
    ),
)
check("confluent-kafka without a client certificate is refused where one is required", lambda: librdkafka_refused("MTLS", {"security.protocol": "SSL"}))
check(
    "confluent-kafka SASL_SSL SCRAM-SHA-512 roundtrip",
    lambda: librdkafka_roundtrip(
        "SASL_SSL",
        {"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": USER, "sasl.password": PASSWORD},
    ),
)
check(
    "confluent-kafka SASL_SSL SCRAM-SHA-512 wrong password fails",
    lambda: librdkafka_refused(
        "SASL_SSL",
        {"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": USER, "sasl.password": "wrong"},
    ),
)

print(f"security-clients: {passed} passed, {failed} failed", flush=True)
sys.exit(1 if failed else 0)
