// Captured from KafkaJS 2.2.4's RecordBatch v2 encoder (an independent implementation, with its own
// CRC-32C): baseTimestamp 1700000000000, partitionLeaderEpoch 0.
/** One record: key "key", value "value", header h=v; no producer id. */
export const KAFKAJS_ONE_RECORD =
  '000000000000000000000044000000000283794a1d0000000000000000018bcfe568000000018bcfe568' +
  '00ffffffffffffffffffffffffffff0000000124000000066b65790a76616c75650202680276';
/** Two records (null key / value "a"; key "k2" / null value, header x=yz, +5 ms); producer 1000 epoch 3 seq 7. */
export const KAFKAJS_TWO_RECORDS =
  '0000000000000000000000470000000002869339670000000000010000018bcfe568000000018bcfe56805' +
  '00000000000003e8000300000007000000020e000000010261001a000a02046b320102027804797a';
