/**
 * ACLs in ZooKeeper, shared by every broker, in Kafka's ZooKeeper layout (`ZkAclStore`): one znode
 * per resource pattern, `/kafka-acl/<Type>/<name>` for LITERAL ones and
 * `/kafka-acl-extended/prefixed/<Type>/<name>` for PREFIXED ones, holding
 * `{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"}]}`.
 * A change is applied as Kafka's `AclAuthorizer.updateResourceAcls` does: read the resource's
 * znode, add and remove entries, write it back compare-and-set on its version (retrying when another
 * broker wrote first; the znode goes when its last entry does), then announce it under
 * `/kafka-acl-changes` (`TOPIC:name`) or `/kafka-acl-extended-changes` (JSON). Every broker
 * re-reads the resource a notification names.
 */
import { type AclBinding, PatternType, type ResourcePattern } from '../security/authorizer/acl.js';
import type { AclStore } from '../security/authorizer/acl-authorizer.js';
import type { Logger } from '../util/logger.js';
import { createChangeNotification, ZkChangeNotificationListener } from './zookeeper/change-notifications.js';
import { isZkError, type ZkClient, ZkErrorCode } from './zookeeper/zk-client.js';
import {
  ACL_CHANGE_SEQUENCE,
  ACL_RESOURCE_TYPE_NAMES,
  type AclResource,
  aclChangesPath,
  aclResourcePath,
  aclResourceTypeOfName,
  aclResourceTypePath,
  aclStorePath,
  decodeAclChange,
  decodeAcls,
  EXTENDED_ACL_CHANGES_PATH,
  encodeAclChange,
  encodeAcls,
  LITERAL_ACL_CHANGES_PATH,
  type ZkAclEntry,
} from './zookeeper/zk-data.js';

const PATTERN_TYPES = [PatternType.LITERAL, PatternType.PREFIXED];
/** Kafka's `AclAuthorizer` `maxUpdateRetries`. */
const MAX_UPDATE_RETRIES = 10;

const resourceKey = (r: ResourcePattern): string => JSON.stringify([r.patternType, r.resourceType, r.name]);
const entryKey = (e: ZkAclEntry): string => JSON.stringify([e.principal, e.host, e.operation, e.permission]);

interface ResourceAcls {
  readonly resource: AclResource;
  readonly entries: readonly ZkAclEntry[];
}

export class ZkAclStore implements AclStore {
  private byResource = new Map<string, ResourceAcls>();
  private readonly listeners: ((bindings: readonly AclBinding[]) => void)[] = [];
  private readonly changeListeners: ZkChangeNotificationListener[];

  constructor(
    private readonly zk: ZkClient,
    private readonly logger: Logger,
  ) {
    this.changeListeners = [LITERAL_ACL_CHANGES_PATH, EXTENDED_ACL_CHANGES_PATH].map(
      (path) =>
        new ZkChangeNotificationListener(
          zk,
          path,
          ACL_CHANGE_SEQUENCE,
          (data) => this.onNotification(path, data),
          { logger },
        ),
    );
  }

  /** Creates Kafka's ACL paths, reads every resource's ACLs, then follows the changes. */
  async load(): Promise<AclBinding[]> {
    for (const patternType of PATTERN_TYPES) {
      for (const resourceType of ACL_RESOURCE_TYPE_NAMES.keys())
        await this.zk.ensurePath(aclResourceTypePath(patternType, resourceType));
    }
    const loaded = new Map<string, ResourceAcls>();
    for (const patternType of PATTERN_TYPES) {
      const root = aclStorePath(patternType);
      for (const typeName of (await this.zk.children(root)) ?? []) {
        let resourceType: number;
        try {
          resourceType = aclResourceTypeOfName(typeName);
        } catch {
          continue;
        }
        for (const name of (await this.zk.children(`${root}/${typeName}`)) ?? []) {
          const resource = { resourceType, name, patternType };
          const entries = await this.read(resource);
          if (entries.length > 0) loaded.set(resourceKey(resource), { resource, entries });
        }
      }
    }
    this.byResource = loaded;
    for (const listener of this.changeListeners) await listener.start();
    return this.bindings();
  }

  /** Applies, resource by resource, what `bindings` changes from what this store last held. */
  async save(bindings: readonly AclBinding[]): Promise<readonly AclBinding[]> {
    const wanted = new Map<string, ResourceAcls>();
    for (const b of bindings) {
      const key = resourceKey(b.pattern);
      const previous = wanted.get(key)?.entries ?? [];
      wanted.set(key, { resource: b.pattern, entries: [...previous, b.entry] });
    }
    for (const key of new Set([...wanted.keys(), ...this.byResource.keys()])) {
      const want = wanted.get(key)?.entries ?? [];
      const have = this.byResource.get(key)?.entries ?? [];
      const wantKeys = new Set(want.map(entryKey));
      const haveKeys = new Set(have.map(entryKey));
      const added = want.filter((e) => !haveKeys.has(entryKey(e)));
      const removed = new Set(have.filter((e) => !wantKeys.has(entryKey(e))).map(entryKey));
      if (added.length === 0 && removed.size === 0) continue;
      const resource = (wanted.get(key) ?? this.byResource.get(key))!.resource;
      await this.updateResource(resource, added, removed);
    }
    return this.bindings();
  }

  onChange(listener: (bindings: readonly AclBinding[]) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    for (const listener of this.changeListeners) listener.close();
  }

  private bindings(): AclBinding[] {
    return [...this.byResource.values()].flatMap(({ resource, entries }) =>
      entries.map((entry) => ({ pattern: resource, entry })),
    );
  }

  /** A resource's entries; an unreadable znode is logged and counts as none (updates still refuse it). */
  private async read(resource: AclResource): Promise<ZkAclEntry[]> {
    const path = aclResourcePath(resource);
    const node = await this.zk.get(path);
    if (!node) return [];
    try {
      return decodeAcls(node.data);
    } catch (err) {
      this.logger.warn({ path, err: (err as Error).message }, 'ignoring an unreadable ACL znode');
      return [];
    }
  }

  private remember(resource: AclResource, entries: readonly ZkAclEntry[]): void {
    const key = resourceKey(resource);
    if (entries.length === 0) this.byResource.delete(key);
    else this.byResource.set(key, { resource, entries });
  }

  /** Kafka's updateResourceAcls: read, change, compare-and-set; announce when the entries changed. */
  private async updateResource(
    resource: AclResource,
    added: readonly ZkAclEntry[],
    removed: ReadonlySet<string>,
  ): Promise<void> {
    const path = aclResourcePath(resource);
    for (let attempt = 1; ; attempt++) {
      const node = await this.zk.get(path);
      const current = node ? decodeAcls(node.data) : [];
      const next = current.filter((e) => !removed.has(entryKey(e)));
      const present = new Set(next.map(entryKey));
      for (const e of added) {
        if (!present.has(entryKey(e))) next.push(e);
        present.add(entryKey(e));
      }
      const changed =
        next.length !== current.length || next.some((e, i) => entryKey(e) !== entryKey(current[i]!));
      if (!changed) {
        this.remember(resource, current);
        return;
      }
      try {
        if (next.length === 0) await this.zk.delete(path, node!.version);
        else if (node) await this.zk.set(path, encodeAcls(next), node.version);
        else await this.zk.create(path, encodeAcls(next));
      } catch (err) {
        const raced =
          isZkError(err, ZkErrorCode.BAD_VERSION) ||
          isZkError(err, ZkErrorCode.NODE_EXISTS) ||
          isZkError(err, ZkErrorCode.NO_NODE);
        if (raced && attempt < MAX_UPDATE_RETRIES) continue;
        throw err;
      }
      this.remember(resource, next);
      await createChangeNotification(
        this.zk,
        aclChangesPath(resource.patternType),
        ACL_CHANGE_SEQUENCE,
        encodeAclChange(resource),
      );
      return;
    }
  }

  private async onNotification(changesPath: string, data: Buffer): Promise<void> {
    let resource: AclResource;
    try {
      resource = decodeAclChange(changesPath, data);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, changesPath }, 'ignoring an unreadable ACL change');
      return;
    }
    this.remember(resource, await this.read(resource));
    const bindings = this.bindings();
    for (const listener of this.listeners) listener(bindings);
  }
}
