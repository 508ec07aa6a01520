#!/usr/bin/python3
"""Real-client steps of the cluster security test (test/cluster/zk-security.test.ts), one per call.

  scram-metadata <bootstrap> <mechanism> <user> <password>
      kafka-python: authenticate with SCRAM and read the topic list.
  produce <bootstrap> <user> <password> <topic> <partitions>
      confluent-kafka Producer (SASL PLAIN): one record to each partition.
  flood <bootstrap> <user> <password> <topic> <seconds>
      confluent-kafka Producer (SASL PLAIN): 1000-byte records as fast as allowed; counts the
      throttle events librdkafka reports (throttle_cb) and the bytes acknowledged.

Each prints one JSON object on stdout.
"""
import json
import sys


def scram_metadata(bootstrap, mechanism, user, password):
    from kafka import KafkaConsumer

    try:
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            security_protocol='SASL_PLAINTEXT',
            sasl_mechanism=mechanism,
            sasl_plain_username=user,
            sasl_plain_password=password,
            api_version_auto_timeout_ms=5000,
            request_timeout_ms=8000,
        )
        topics = sorted(consumer.topics())
        consumer.close()
        return {'ok': True, 'topics': topics}
    except Exception as e:  # authentication failures surface as several exception types
        return {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}


def plain(bootstrap, user, password):
    return {
        'bootstrap.servers': bootstrap,
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'PLAIN',
        'sasl.username': user,
        'sasl.password': password,
    }


def produce(bootstrap, user, password, topic, partitions):
    from confluent_kafka import Producer

    producer = Producer(dict(plain(bootstrap, user, password), **{'message.timeout.ms': 10000}))
    delivered = []
    errors = {}

    def report(err, msg):
        if err is None:
            delivered.append(msg.partition())
        else:
            errors[str(msg.partition())] = err.name()

    for p in range(int(partitions)):
        producer.produce(topic, value=b'record-%d' % p, partition=p, on_delivery=report)
    producer.flush(20)
    return {'delivered': sorted(delivered), 'errors': errors}


def flood(bootstrap, user, password, topic, seconds):
    import time

    from confluent_kafka import Producer

    throttles = []
    acked = [0]

    def report(err, msg):
        if err is None:
            acked[0] += len(msg.value())

    producer = Producer(
        dict(
            plain(bootstrap, user, password),
            **{
                'linger.ms': 5,
                'queue.buffering.max.messages': 20,
                'throttle_cb': lambda event: throttles.append(event.throttle_time),
            },
        )
    )
    start = time.monotonic()
    while time.monotonic() - start < float(seconds):
        try:
            producer.produce(topic, b'x' * 1000, on_delivery=report)
            producer.poll(0)
        except BufferError:
            producer.poll(0.01)
    producer.flush(30)
    producer.poll(0)
    return {'throttles': len([t for t in throttles if t > 0]), 'acked': acked[0]}


COMMANDS = {'scram-metadata': scram_metadata, 'produce': produce, 'flood': flood}

if __name__ == '__main__':
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
