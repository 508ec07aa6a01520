#!/usr/bin/python3
"""confluent-kafka (librdkafka): manual replica assignments, topic configs Kafka 3.9 accepts, DescribeConfigs.

The broker under test runs with log.retention.minutes=120 and log.segment.bytes=2097152 and
broker.id 0; expectations follow Kafka 3.9's ZkAdminManager / ConfigHelper. Takes the bootstrap
address in BOOTSTRAP, prints PASS/FAIL per check and ends with
`topic-configs-confluent: N passed, M failed`; exit status 0 only when M is 0.
"""
import os
import sys
import uuid

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, NewPartitions, NewTopic

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092")
RUN = uuid.uuid4().hex[:8]
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ((" — " + str(detail)) if detail and not ok else ""))


def outcome(future):
    """None on success, else the KafkaError code."""
    try:
        future.result(timeout=15)
        return None
    except KafkaException as e:
        return e.args[0].code()


admin = AdminClient({"bootstrap.servers": BOOTSTRAP})

# 1. Assignments.
assigned = "assigned_" + RUN
futures = admin.create_topics([NewTopic(assigned, 2, replica_assignment=[[0], [0]])], operation_timeout=10)
check("create_topics with replica_assignment succeeds", outcome(futures[assigned]) is None)
unknown = "unknown_" + RUN
futures = admin.create_topics([NewTopic(unknown, 1, replica_assignment=[[10]])], operation_timeout=10)
check("create_topics onto broker 10 is INVALID_REPLICA_ASSIGNMENT",
      outcome(futures[unknown]) == KafkaError.INVALID_REPLICA_ASSIGNMENT)
futures = admin.create_partitions([NewPartitions(assigned, 3, replica_assignment=[[10]])], operation_timeout=10)
check("create_partitions onto broker 10 is INVALID_REPLICA_ASSIGNMENT",
      outcome(futures[assigned]) == KafkaError.INVALID_REPLICA_ASSIGNMENT)
futures = admin.create_partitions([NewPartitions(assigned, 3, replica_assignment=[[0]])], validate_only=True)
check("create_partitions validate_only succeeds", outcome(futures[assigned]) is None)
metadata = admin.list_topics(topic=assigned, timeout=10)
check("validate_only adds nothing", len(metadata.topics[assigned].partitions) == 2)
futures = admin.create_partitions([NewPartitions(assigned, 3, replica_assignment=[[0]])], operation_timeout=10)
check("create_partitions onto broker 0 succeeds", outcome(futures[assigned]) is None)
metadata = admin.list_topics(topic=assigned, timeout=10)
check("the topic has 3 partitions", len(metadata.topics[assigned].partitions) == 3)

# 2. AlterConfigs with configs Kafka 3.9 accepts (AlterConfigs replaces the whole override set).
resource = ConfigResource("topic", assigned, set_config={
    "message.format.version": "0.10.2",
    "leader.replication.throttled.replicas": "*",
    "message.downconversion.enable": "false",
})
check("alter_configs accepts message.format.version and the throttled replicas",
      outcome(admin.alter_configs([resource])[resource]) is None)
bad = ConfigResource("topic", assigned, set_config={"min.cleanable.dirty.ratio": "2"})
check("an out-of-range value is INVALID_REQUEST", outcome(admin.alter_configs([bad])[bad]) == KafkaError.INVALID_REQUEST)

# 3. DescribeConfigs: values, sources and synonyms.
described = admin.describe_configs([ConfigResource("topic", assigned)])
entries = list(described.values())[0].result(timeout=15)
check("all 36 topic configs are described", len(entries) == 36, len(entries))
mfv = entries["message.format.version"]
check("message.format.version is a topic config",
      (mfv.value, mfv.source) == ("0.10.2", ConfigSource.DYNAMIC_TOPIC_CONFIG.value), (mfv.value, mfv.source))
retention = entries["retention.ms"]
check("retention.ms is 120 minutes from the broker, described as DEFAULT_CONFIG as Kafka does",
      (retention.value, retention.source) == ("7200000", ConfigSource.DEFAULT_CONFIG.value),
      (retention.value, retention.source))
segment = entries["segment.bytes"]
synonyms = [(s.name, s.value, s.source) for s in segment.synonyms.values()]
check("segment.bytes comes from the static broker config",
      (segment.value, segment.source) == ("2097152", ConfigSource.STATIC_BROKER_CONFIG.value), synonyms)
check("segment.bytes lists log.segment.bytes as its synonym",
      any(name == "log.segment.bytes" for name, _v, _s in synonyms), synonyms)
check("the unset throttled replicas config is empty",
      entries["follower.replication.throttled.replicas"].value == "", entries["follower.replication.throttled.replicas"])

broker = ConfigResource("broker", "0")
broker_entries = admin.describe_configs([broker])[broker].result(timeout=15)
minutes = broker_entries.get("log.retention.minutes")
check("the broker describes log.retention.minutes as a static setting",
      minutes is not None and (minutes.value, minutes.source) == ("120", ConfigSource.STATIC_BROKER_CONFIG.value),
      minutes)

passed = sum(1 for r in results if r)
failed = len(results) - passed
print("topic-configs-confluent: %d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
