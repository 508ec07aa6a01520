/**
 * V8 flags a broker process starts with, as `kafka-server-start.sh` gives the JVM its heap options.
 * A broker allocates megabyte Buffers at a high rate (request frames, log reads for fetches); from
 * V8's small initial old generation that allocation set off a full mark-compact every few hundred
 * megabytes (9 of them, ~30 ms each, while one broker took 4 million 100 B records from kcat; none
 * with this flag), and runs alike in everything else varied by a third with how many struck. With
 * the flag, RF 3 acks=all produce on three brokers went from 0.65-0.89 to 1.03-1.10 million
 * records/s and RF 1 from 1.3-2.0 to 1.8-2.1 million (`bench/cluster.ts`). The flags must be on
 * node's command line: set from inside the process they came too late and made it worse.
 * `bin/samsa`'s first line and `npm start` name the same flag.
 */
export const BROKER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];
