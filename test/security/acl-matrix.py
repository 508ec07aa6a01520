"""ACL matrix checks with real clients (confluent-kafka's AdminClient and Producer, kafka-python's
KafkaAdminClient and KafkaConsumer). Usage: acl-matrix.py <check> <bootstrap> <user> <password>
[json args]; prints one JSON object: what the broker answered, by error name."""
import json
import sys

from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.structs import OffsetAndMetadata

check, bootstrap, user, password = sys.argv[1:5]
args = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}

confluent = {
    'bootstrap.servers': bootstrap,
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.username': user,
    'sasl.password': password,
}
python = dict(
    bootstrap_servers=bootstrap,
    security_protocol='SASL_PLAINTEXT',
    sasl_mechanism='PLAIN',
    sasl_plain_username=user,
    sasl_plain_password=password,
    request_timeout_ms=30000,
    api_version_auto_timeout_ms=10000,
)


def outcome(future):
    try:
        future.result(timeout=15)
        return 'NONE'
    except KafkaException as e:
        return e.args[0].name()


result = {}
if check == 'topics':
    admin = AdminClient(confluent)
    created = admin.create_topics([NewTopic(t, 1, 1) for t in args['create']], request_timeout=15)
    result['create'] = {t: outcome(f) for t, f in created.items()}
    described = admin.describe_configs([ConfigResource('topic', t) for t in args['describe']] + [ConfigResource('broker', '0')])
    result['describe'] = {str(r.name): outcome(f) for r, f in described.items()}
    altered = admin.alter_configs([ConfigResource('topic', t, set_config={'retention.ms': '3600000'}) for t in args['alter']])
    result['alter'] = {r.name: outcome(f) for r, f in altered.items()}
    partitions = admin.create_partitions([NewPartitions(t, 2) for t in args['alter']])
    result['partitions'] = {t: outcome(f) for t, f in partitions.items()}
    deleted = admin.delete_topics(args['delete'], request_timeout=15)
    result['delete'] = {t: outcome(f) for t, f in deleted.items()}
elif check == 'groups':
    admin = KafkaAdminClient(**python)
    result['listed'] = sorted(g for g, _ in admin.list_consumer_groups())
    offsets = {}
    for group in args['offsets']:
        try:
            found = admin.list_consumer_group_offsets(group)
            offsets[group] = sorted('%s-%d=%d' % (tp.topic, tp.partition, om.offset) for tp, om in found.items())
        except Exception as e:  # kafka-python raises the error class of the broker's code
            offsets[group] = type(e).__name__
    result['offsets'] = offsets
    deleted = {}
    for group in args['delete']:
        # A group the principal may not Describe fails at FindCoordinator, which kafka-python raises.
        try:
            [(_, error)] = admin.delete_consumer_groups([group])
            deleted[group] = 'NONE' if error.errno == 0 else error.__name__
        except Exception as e:
            deleted[group] = type(e).__name__
    result['deleted'] = deleted
    admin.close()
elif check == 'commit':
    consumer = KafkaConsumer(group_id=args['group'], enable_auto_commit=False, **python)
    tp = TopicPartition(args['topic'], 0)
    consumer.assign([tp])
    try:
        consumer.commit({tp: OffsetAndMetadata(1, '')})
        result['commit'] = 'NONE'
    except Exception as e:
        result['commit'] = type(e).__name__
    consumer.close()
elif check == 'transaction':
    producer = Producer(dict(confluent, **{'transactional.id': args['transactionalId']}))
    try:
        producer.init_transactions(15)
        producer.begin_transaction()
        producer.produce(args['topic'], b'in-a-transaction')
        producer.commit_transaction(15)
        result['transaction'] = 'NONE'
    except KafkaException as e:
        result['transaction'] = e.args[0].name()
print(json.dumps(result))
