import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { MetadataStore, TopicMetadata } from './metadata-store.js';

const FILE = 'samsa-metadata.json';

interface StoredTopic {
  name: string;
  topicId: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

interface StoredMetadata {
  version: 1;
  clusterId: string;
  topics: StoredTopic[];
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. */
export function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Single-node metadata in `<data>/samsa-metadata.json`. Every change rewrites the file through a
 * temp file, fsync and rename, so a crash leaves either the old or the new version, never a mix.
 */
export class LocalMetadataStore implements MetadataStore {
  private topics = new Map<string, TopicMetadata>();
  private id = '';

  constructor(private readonly dataDir: string) {}

  get clusterId(): string {
    return this.id;
  }

  async load(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    const path = join(this.dataDir, FILE);
    if (!existsSync(path)) {
      this.id = newClusterId();
      this.persist();
      return;
    }
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredMetadata;
    this.id = stored.clusterId;
    for (const t of stored.topics) {
      this.topics.set(t.name, { ...t, topicId: Buffer.from(t.topicId, 'base64url') });
    }
  }

  listTopics(): TopicMetadata[] {
    return [...this.topics.values()];
  }

  getTopic(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  async putTopic(topic: TopicMetadata): Promise<void> {
    this.changeAndPersist(() => this.topics.set(topic.name, topic));
  }

  async deleteTopic(name: string): Promise<void> {
    this.changeAndPersist(() => this.topics.delete(name));
  }

  /** Applies `change` and writes the file; when the write fails (disk full) the change is undone. */
  private changeAndPersist(change: () => void): void {
    const before = new Map(this.topics);
    change();
    try {
      this.persist();
    } catch (error) {
      this.topics = before;
      throw error;
    }
  }

  private persist(): void {
    const stored: StoredMetadata = {
      version: 1,
      clusterId: this.id,
      topics: [...this.topics.values()].map((t) => ({ ...t, topicId: t.topicId.toString('base64url') })),
    };
    const path = join(this.dataDir, FILE);
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(stored, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }
}
