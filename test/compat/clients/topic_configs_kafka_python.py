#!/usr/bin/python3
"""kafka-python 2.0.2: manual replica assignments, topic configs Kafka 3.9 accepts, DescribeConfigs synonyms.

The broker under test runs with log.retention.minutes=120 and log.segment.bytes=2097152 in its
config and broker.id 0. Expectations follow Kafka 3.9's ZkAdminManager / AdminZkClient /
ConfigHelper. Takes the bootstrap address in BOOTSTRAP, prints PASS/FAIL per check and ends with
`topic-configs-kafka-python: N passed, M failed`; exit status 0 only when M is 0.
"""
import os
import sys
import uuid

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import InvalidConfigurationError, InvalidReplicationAssignmentError, InvalidRequestError

BOOTSTRAP = os.environ.get("BOOTSTRAP", "127.0.0.1:9092").split(",")
RUN = uuid.uuid4().hex[:8]
results = []
SOURCE_TOPIC, SOURCE_STATIC, SOURCE_DEFAULT = 1, 4, 5


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ((" — " + str(detail)) if detail and not ok else ""))


def raises(name, error_type, fn):
    try:
        fn()
    except error_type:
        check(name, True)
        return
    except Exception as e:  # noqa: BLE001 - any other error is a failed check
        check(name, False, "%s: %s" % (type(e).__name__, e))
        return
    check(name, False, "no error")


def attempt(name, fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        check(name, False, "%s: %s" % (type(e).__name__, e))
        return None


admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id="samsa-topic-configs", request_timeout_ms=10000)


def partitions_of(topic):
    return len(admin.describe_topics([topic])[0]["partitions"])


def describe(topic, keys):
    """(name, value, synonyms) per entry, in the order the broker answered."""
    response = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs=dict.fromkeys(keys) if keys else None)],
                                      include_synonyms=True)[0]
    error_code, _message, _type, _name, entries = response.resources[0]
    assert error_code == 0, error_code
    return [(e[0], e[1], [tuple(s) for s in e[5]]) for e in entries]


# 1. CreateTopics with replica_assignments.
assigned = "assigned_" + RUN
response = attempt("create_topics with replica_assignments", lambda: admin.create_topics(
    [NewTopic(assigned, -1, -1, replica_assignments={0: [0], 1: [0]})], timeout_ms=10000))
if response is not None:
    check("create_topics with replica_assignments succeeds", [e[:2] for e in response.topic_errors] == [(assigned, 0)],
          response.topic_errors)
    check("the assignment decides the partition count", attempt("describe_topics", lambda: partitions_of(assigned)) == 2)
raises("create_topics naming broker 10 is INVALID_REPLICA_ASSIGNMENT", InvalidReplicationAssignmentError,
       lambda: admin.create_topics([NewTopic("unknown_broker_" + RUN, -1, -1, replica_assignments={0: [10]})]))
raises("create_topics with a replica twice is INVALID_REPLICA_ASSIGNMENT", InvalidReplicationAssignmentError,
       lambda: admin.create_topics([NewTopic("twice_" + RUN, -1, -1, replica_assignments={0: [0, 0]})]))
raises("create_topics with assignments and num_partitions is INVALID_REQUEST", InvalidRequestError,
       lambda: admin.create_topics([NewTopic("both_" + RUN, 1, -1, replica_assignments={0: [0]})]))

# 2. CreatePartitions with assignments.
grown = "grown_" + RUN
attempt("create_topics", lambda: admin.create_topics([NewTopic(grown, 1, 1)], timeout_ms=10000))
raises("create_partitions onto broker 10 is INVALID_REPLICA_ASSIGNMENT", InvalidReplicationAssignmentError,
       lambda: admin.create_partitions({grown: NewPartitions(2, [[10]])}))
raises("create_partitions with too many assignments is INVALID_REPLICA_ASSIGNMENT", InvalidReplicationAssignmentError,
       lambda: admin.create_partitions({grown: NewPartitions(2, [[0], [0]])}))
check("a refused create_partitions adds nothing", attempt("describe_topics", lambda: partitions_of(grown)) == 1)
attempt("create_partitions validate_only", lambda: admin.create_partitions(
    {grown: NewPartitions(2, [[0]])}, validate_only=True))
check("validate_only adds nothing", attempt("describe_topics", lambda: partitions_of(grown)) == 1)
attempt("create_partitions onto broker 0", lambda: admin.create_partitions({grown: NewPartitions(3, [[0], [0]])}))
check("create_partitions with assignments grows the topic", attempt("describe_topics", lambda: partitions_of(grown)) == 3)

# 3. Configs Kafka 3.9 accepts, deprecated ones included, stored and described.
configured = "configured_" + RUN
response = attempt("create_topics with deprecated configs", lambda: admin.create_topics([NewTopic(
    configured, 1, 1, topic_configs={"message.format.version": "0.10.2", "retention.bytes": "1000"})]))
if response is not None:
    check("create_topics accepts message.format.version", [e[:2] for e in response.topic_errors] == [(configured, 0)])
altered = attempt("alter_configs", lambda: admin.alter_configs([ConfigResource(
    ConfigResourceType.TOPIC, configured, configs={
        "message.format.version": "2.8",
        "leader.replication.throttled.replicas": "0:0",
        "follower.replication.throttled.replicas": "*",
        "retention.bytes": "1000",
    })]))
if altered is not None:
    check("alter_configs accepts deprecated and throttling configs", [r[0] for r in altered.resources] == [0],
          altered.resources)
refused = attempt("alter_configs with a bad value", lambda: admin.alter_configs([ConfigResource(
    ConfigResourceType.TOPIC, configured, configs={"retention.ms": "soon"})]))
if refused is not None:
    code, message = refused.resources[0][:2]
    check("a bad value is refused with Kafka's message", code == InvalidRequestError.errno and
          "Invalid value soon for configuration retention.ms: Not a number of type LONG" in (message or ""),
          refused.resources)
refused = attempt("alter_configs with an unknown name", lambda: admin.alter_configs([ConfigResource(
    ConfigResourceType.TOPIC, configured, configs={"no.such.config": "1"})]))
if refused is not None:
    check("an unknown name is INVALID_CONFIG", refused.resources[0][0] == InvalidConfigurationError.errno, refused.resources)

# 4. DescribeConfigs with synonyms, in the order asked.
keys = ["message.format.version", "retention.ms", "segment.bytes", "retention.bytes",
        "follower.replication.throttled.replicas"]
entries = attempt("describe_configs", lambda: describe(configured, keys))
if entries is not None:
    check("entries come in the order asked", [e[0] for e in entries] == keys, [e[0] for e in entries])
    by_name = {e[0]: e for e in entries}
    check("message.format.version is the topic's, over log.message.format.version's default",
          by_name["message.format.version"][1:] == ("2.8", [("message.format.version", "2.8", SOURCE_TOPIC),
                                                         ("log.message.format.version", "3.0-IV1", SOURCE_DEFAULT)]),
          by_name["message.format.version"])
    # log.retention.minutes=120 gives the value; Kafka lists no synonym (none before log.retention.ms).
    check("retention.ms comes from log.retention.minutes, with no synonyms listed",
          by_name["retention.ms"][1:] == ("7200000", []), by_name["retention.ms"])
    check("segment.bytes lists the static broker setting, then Kafka's default",
          by_name["segment.bytes"][1:] == ("2097152", [("log.segment.bytes", "2097152", SOURCE_STATIC),
                                                    ("log.segment.bytes", "1073741824", SOURCE_DEFAULT)]),
          by_name["segment.bytes"])
    check("follower.replication.throttled.replicas is described with no broker synonym",
          by_name["follower.replication.throttled.replicas"][1:] == ("*", [("follower.replication.throttled.replicas", "*", SOURCE_TOPIC)]),
          by_name["follower.replication.throttled.replicas"])
everything = attempt("describe_configs (all)", lambda: describe(configured, None))
if everything is not None:
    names = {e[0] for e in everything}
    check("the full list has all 36 of Kafka 3.9's topic configs", len(everything) == 36 and {
        "message.format.version", "leader.replication.throttled.replicas", "message.downconversion.enable",
        "local.retention.ms", "remote.storage.enable", "message.timestamp.after.max.ms"} <= names, len(everything))

admin.close()
passed = sum(1 for r in results if r)
failed = len(results) - passed
print("topic-configs-kafka-python: %d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
