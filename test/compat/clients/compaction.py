"""confluent-kafka (librdkafka) helper for the compaction tests.

  compaction.py create TOPIC key=value...       create a 1-partition topic with these configs
  compaction.py consume TOPIC [read_committed]  print every record from the beginning as
                                                 "<offset>\t<key>\t<value or NULL>", then exit
  compaction.py txn TOPIC                       commit, abort and commit keyed transactions
  compaction.py commit GROUP TOPIC N [FROM]     commit offsets FROM (default 1)..N for TOPIC-0, one
                                                 by one, then print the group's committed offset
BOOTSTRAP comes from the environment.
"""
import os
import sys

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

BOOTSTRAP = os.environ["BOOTSTRAP"]


def create(topic, configs):
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    config = dict(item.split("=", 1) for item in configs)
    futures = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1, config=config)])
    futures[topic].result(30)


def consume(topic, isolation="read_uncommitted"):
    consumer = Consumer({
        "bootstrap.servers": BOOTSTRAP,
        "group.id": "compaction-reader",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "isolation.level": isolation,
    })
    consumer.assign([TopicPartition(topic, 0, 0)])
    while True:
        msg = consumer.poll(10)
        if msg is None:
            raise SystemExit("no record or EOF within 10 s")
        if msg.error():
            if msg.error().code() == -191:  # _PARTITION_EOF
                break
            raise KafkaException(msg.error())
        key = msg.key().decode() if msg.key() is not None else "NULL"
        value = msg.value().decode() if msg.value() is not None else "NULL"
        print(f"{msg.offset()}\t{key}\t{value}", flush=True)
    consumer.close()


def txn(topic):
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "transactional.id": "compaction-txn"})
    producer.init_transactions(30)
    for values, commit in (
        ({"t1": "c1", "t2": "c1"}, True),
        ({"t1": "aborted", "t3": "aborted"}, False),
        ({"t2": "c2"}, True),
    ):
        producer.begin_transaction()
        for key, value in values.items():
            producer.produce(topic, key=key, value=value)
        producer.flush(30)
        if commit:
            producer.commit_transaction(30)
        else:
            producer.abort_transaction(30)


def commit(group, topic, count, first=1):
    consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group, "enable.auto.commit": False})
    for offset in range(first, count + 1):
        consumer.commit(offsets=[TopicPartition(topic, 0, offset)], asynchronous=False)
    print(consumer.committed([TopicPartition(topic, 0)], 30)[0].offset, flush=True)
    consumer.close()


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "create":
        create(args[0], args[1:])
    elif command == "consume":
        consume(*args)
    elif command == "txn":
        txn(args[0])
    elif command == "commit":
        commit(args[0], args[1], int(args[2]), *(int(a) for a in args[3:]))
    else:
        raise SystemExit(f"unknown command {command}")
