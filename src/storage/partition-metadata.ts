import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaStorageError } from '../util/errors.js';
import { writeFileAtomically } from './checkpoint.js';

/**
 * `partition.metadata` in a partition directory (Kafka's `PartitionMetadataFile`, KIP-516):
 *
 * ```
 * version: 0
 * topic_id: <topic id as Kafka prints a Uuid: 22 characters of unpadded base64url>
 * ```
 */
export const PARTITION_METADATA_FILE = 'partition.metadata';

/** Kafka's printed form of a topic id; also accepts the dashed hex form and converts it. */
export function normalizeTopicId(topicId: string): string {
  const hex = topicId.replaceAll('-', '');
  if (/^[0-9a-fA-F]{32}$/.test(hex)) return Buffer.from(hex, 'hex').toString('base64url');
  if (/^[A-Za-z0-9_-]{22}$/.test(topicId)) return topicId;
  throw new KafkaStorageError(`not a topic id: ${topicId}`);
}

export function readPartitionMetadata(dir: string): string | undefined {
  const file = path.join(dir, PARTITION_METADATA_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KafkaStorageError(`cannot read ${file}`, { cause: error });
  }
  const match = /^version: 0\ntopic_id: ([A-Za-z0-9_-]{22})\n?$/.exec(text);
  if (match === null) throw new KafkaStorageError(`malformed ${file}`);
  return match[1];
}

export function writePartitionMetadata(dir: string, topicId: string): void {
  writeFileAtomically(
    path.join(dir, PARTITION_METADATA_FILE),
    `version: 0\ntopic_id: ${normalizeTopicId(topicId)}\n`,
  );
}
