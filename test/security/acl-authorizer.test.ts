import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AclBinding,
  type AclBindingFilter,
  AclPermission,
  CLUSTER_RESOURCE_NAME,
  AclOperation as Op,
  PatternType,
  ResourceType,
} from '../../src/security/authorizer/acl.js';
import { AclAuthorizer, type AclStore, FileAclStore } from '../../src/security/authorizer/acl-authorizer.js';
import { makeTempDir } from '../helpers/temp-dir.js';

class MemoryStore implements AclStore {
  saved: readonly AclBinding[] = [];
  async load() {
    return [...this.saved];
  }
  async save(bindings: readonly AclBinding[]) {
    this.saved = bindings;
    return undefined;
  }
}

function acl(
  principal: string,
  permission: 'ALLOW' | 'DENY',
  operation: number,
  resourceType: number,
  name: string,
  patternType: number = PatternType.LITERAL,
  host = '*',
): AclBinding {
  return {
    pattern: { resourceType, name, patternType },
    entry: { principal, host, operation, permission: AclPermission[permission] },
  };
}

const ANY_FILTER: AclBindingFilter = {
  resourceType: ResourceType.ANY,
  name: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: Op.ANY,
  permission: AclPermission.ANY,
};

async function authorizer(
  bindings: AclBinding[],
  options: { superUsers?: string[]; allowEveryone?: boolean } = {},
) {
  const a = new AclAuthorizer(new MemoryStore(), {
    superUsers: options.superUsers ?? [],
    allowEveryoneIfNoAclFound: options.allowEveryone ?? false,
  });
  const errors = await a.createAcls(bindings);
  assert.deepEqual(
    errors,
    bindings.map(() => undefined),
  );
  return a;
}

const T = ResourceType.TOPIC;
const H = '10.0.0.1';

describe('ACL authorizer', () => {
  test('a resource without ACLs follows allow.everyone.if.no.acl.found', async () => {
    assert.equal((await authorizer([])).authorize('User:a', H, Op.READ, T, 't'), false);
    assert.equal(
      (await authorizer([], { allowEveryone: true })).authorize('User:a', H, Op.READ, T, 't'),
      true,
    );
    // Once any ACL names the resource, the flag no longer applies.
    const a = await authorizer([acl('User:b', 'ALLOW', Op.READ, T, 't')], { allowEveryone: true });
    assert.equal(a.authorize('User:a', H, Op.READ, T, 't'), false);
    assert.equal(a.authorize('User:a', H, Op.READ, T, 'other'), true);
  });

  test('write but not read; Write implies Describe; AlterConfigs implies DescribeConfigs', async () => {
    const a = await authorizer([
      acl('User:writer', 'ALLOW', Op.WRITE, T, 'events'),
      acl('User:admin', 'ALLOW', Op.ALTER_CONFIGS, T, 'events'),
    ]);
    assert.equal(a.authorize('User:writer', H, Op.WRITE, T, 'events'), true);
    assert.equal(a.authorize('User:writer', H, Op.READ, T, 'events'), false);
    assert.equal(a.authorize('User:writer', H, Op.DESCRIBE, T, 'events'), true);
    assert.equal(a.authorize('User:writer', H, Op.DESCRIBE_CONFIGS, T, 'events'), false);
    assert.equal(a.authorize('User:admin', H, Op.DESCRIBE_CONFIGS, T, 'events'), true);
    assert.equal(a.authorize('User:admin', H, Op.DESCRIBE, T, 'events'), false);
  });

  test('a PREFIXED allow with a LITERAL deny: DENY wins where both apply', async () => {
    const a = await authorizer([
      acl('User:bob', 'ALLOW', Op.READ, T, 'orders-', PatternType.PREFIXED),
      acl('User:bob', 'DENY', Op.READ, T, 'orders-secret'),
    ]);
    assert.equal(a.authorize('User:bob', H, Op.READ, T, 'orders-eu'), true);
    assert.equal(a.authorize('User:bob', H, Op.READ, T, 'orders-secret'), false);
    assert.equal(a.authorize('User:bob', H, Op.READ, T, 'order'), false);
    // A deny for Read leaves the implied Describe (allowed through the prefixed Read) alone, as in Kafka.
    assert.equal(a.authorize('User:bob', H, Op.DESCRIBE, T, 'orders-secret'), true);
  });

  test('wildcard principal, resource name and host; ALL; super users', async () => {
    const a = await authorizer(
      [
        acl('User:*', 'ALLOW', Op.ALL, T, '*'),
        acl('User:mallory', 'DENY', Op.ALL, T, '*', PatternType.LITERAL, '10.6.6.6'),
        acl(
          'User:carol',
          'ALLOW',
          Op.CLUSTER_ACTION,
          ResourceType.CLUSTER,
          CLUSTER_RESOURCE_NAME,
          PatternType.LITERAL,
          H,
        ),
      ],
      { superUsers: ['User:root'] },
    );
    assert.equal(a.authorize('User:anyone', H, Op.DELETE, T, 'x'), true);
    assert.equal(a.authorize('User:mallory', H, Op.READ, T, 'x'), true);
    assert.equal(a.authorize('User:mallory', '10.6.6.6', Op.READ, T, 'x'), false);
    assert.equal(
      a.authorize('User:carol', H, Op.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME),
      true,
    );
    assert.equal(
      a.authorize('User:carol', '10.0.0.2', Op.CLUSTER_ACTION, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME),
      false,
    );
    assert.equal(a.authorize('User:root', '10.6.6.6', Op.ALTER, ResourceType.GROUP, 'g'), true);
    assert.equal(a.authorize('User:anyone', H, Op.READ, ResourceType.GROUP, 'g'), false);
  });

  test('decisions follow ACL changes (the cache is dropped)', async () => {
    const a = await authorizer([]);
    assert.equal(a.authorize('User:a', H, Op.READ, T, 't'), false);
    await a.createAcls([acl('User:a', 'ALLOW', Op.READ, T, 't')]);
    assert.equal(a.authorize('User:a', H, Op.READ, T, 't'), true);
    await a.deleteAcls([{ ...ANY_FILTER, principal: 'User:a' }]);
    assert.equal(a.authorize('User:a', H, Op.READ, T, 't'), false);
  });

  test('filters: MATCH finds what applies to a name; ANY, exact types and entry fields', async () => {
    const bindings = [
      acl('User:a', 'ALLOW', Op.READ, T, 'orders-', PatternType.PREFIXED),
      acl('User:a', 'ALLOW', Op.READ, T, '*'),
      acl('User:b', 'DENY', Op.WRITE, T, 'orders-eu'),
      acl('User:b', 'ALLOW', Op.READ, ResourceType.GROUP, 'orders-eu'),
    ];
    const a = await authorizer(bindings);
    const names = (filter: Partial<AclBindingFilter>) =>
      a
        .describeAcls({ ...ANY_FILTER, ...filter })
        .map((b) => `${b.pattern.resourceType}:${b.pattern.name}:${b.entry.principal}`);
    assert.deepEqual(names({ resourceType: T, name: 'orders-eu', patternType: PatternType.MATCH }), [
      '2:orders-:User:a',
      '2:*:User:a',
      '2:orders-eu:User:b',
    ]);
    assert.deepEqual(names({ name: 'orders-eu' }), ['2:orders-eu:User:b', '3:orders-eu:User:b']);
    assert.deepEqual(names({ patternType: PatternType.PREFIXED }), ['2:orders-:User:a']);
    assert.deepEqual(names({ permission: AclPermission.DENY }), ['2:orders-eu:User:b']);
    const removed = await a.deleteAcls([
      { ...ANY_FILTER, resourceType: ResourceType.GROUP },
      { ...ANY_FILTER, operation: Op.WRITE },
    ]);
    assert.deepEqual(
      removed.map((r) => r.length),
      [1, 1],
    );
    assert.equal(a.describeAcls(ANY_FILTER).length, 2);
  });

  test('invalid bindings are refused with a message; ACLs survive a reload from the file store', async () => {
    const dir = makeTempDir('samsa-acls-');
    try {
      const store = new FileAclStore(dir.path);
      const a = new AclAuthorizer(store, { superUsers: [], allowEveryoneIfNoAclFound: false });
      await a.load();
      const errors = await a.createAcls([
        acl('User:a', 'ALLOW', Op.READ, ResourceType.CLUSTER, 'not-the-cluster'),
        acl('alice', 'ALLOW', Op.READ, T, 't'),
        acl('User:a', 'ALLOW', Op.READ, T, 't', PatternType.MATCH),
        acl('User:a', 'ALLOW', Op.READ, T, 't'),
      ]);
      assert.match(errors[0]!, /kafka-cluster/);
      assert.match(errors[1]!, /principal/);
      assert.match(errors[2]!, /pattern type/);
      assert.equal(errors[3], undefined);
      const reloaded = new AclAuthorizer(new FileAclStore(dir.path), {
        superUsers: [],
        allowEveryoneIfNoAclFound: false,
      });
      await reloaded.load();
      assert.equal(reloaded.authorize('User:a', H, Op.READ, T, 't'), true);
      assert.equal(reloaded.describeAcls(ANY_FILTER).length, 1);
    } finally {
      dir.cleanup();
    }
  });
  test('authorizeByResourceType: any allow for the type that no deny covers (KIP-679)', async () => {
    const a = await authorizer([
      acl('User:p', 'ALLOW', Op.WRITE, T, 'orders-', PatternType.PREFIXED),
      acl('User:q', 'ALLOW', Op.WRITE, T, 'orders'),
      acl('User:q', 'DENY', Op.WRITE, T, 'ord', PatternType.PREFIXED),
      acl('User:r', 'ALLOW', Op.ALL, T, 'x'),
      acl('User:r', 'DENY', Op.WRITE, T, '*'),
      acl('User:s', 'ALLOW', Op.READ, T, 'y'),
    ]);
    assert.equal(a.authorizeByResourceType('User:p', H, Op.WRITE, T), true);
    assert.equal(
      a.authorizeByResourceType('User:q', H, Op.WRITE, T),
      false,
      'the deny prefix covers the allow',
    );
    assert.equal(a.authorizeByResourceType('User:r', H, Op.WRITE, T), false, 'a deny on * refuses all');
    assert.equal(a.authorizeByResourceType('User:s', H, Op.WRITE, T), false, 'Read is not Write');
    assert.equal(a.authorizeByResourceType('User:p', H, Op.WRITE, ResourceType.GROUP), false);
  });

  test('authorized operations (KIP-430) and prefix lookups of every length', async () => {
    const a = await authorizer([
      acl('User:p', 'ALLOW', Op.READ, T, 'o', PatternType.PREFIXED),
      acl('User:p', 'ALLOW', Op.ALTER_CONFIGS, T, 'orders-eu'),
      acl('User:p', 'DENY', Op.READ, T, 'orders-eu-secret'),
    ]);
    const bits = (ops: number[]) => ops.reduce((b, op) => b | (1 << op), 0);
    const topicOps = [
      Op.READ,
      Op.WRITE,
      Op.CREATE,
      Op.DESCRIBE,
      Op.DELETE,
      Op.ALTER,
      Op.DESCRIBE_CONFIGS,
      Op.ALTER_CONFIGS,
    ];
    assert.equal(
      a.authorizedOperations('User:p', H, T, 'orders-eu', topicOps),
      bits([Op.READ, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]),
    );
    assert.equal(a.authorizedOperations('User:p', H, T, 'orders-eu-secret', topicOps), bits([Op.DESCRIBE]));
    assert.equal(a.authorize('User:p', H, Op.READ, T, 'o'), true, 'a prefix as long as the name');
    assert.equal(a.authorize('User:p', H, Op.READ, T, 'x'), false);
  });
});
