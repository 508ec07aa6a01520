/**
 * Kafka's ACL authorizer (`kafka.security.authorizer.AclAuthorizer` semantics): super users are
 * always allowed; a resource with no ACL at all is allowed only with
 * `allow.everyone.if.no.acl.found`; otherwise a matching DENY (for the operation or ALL) wins over
 * any ALLOW, and an ALLOW for the operation, an operation implying it (Read, Write, Delete and Alter
 * imply Describe; AlterConfigs implies DescribeConfigs) or ALL is needed. ACLs match by principal
 * (or `User:*`), host (or `*`) and resource pattern (literal name, literal `*`, or prefix).
 * Decisions are cached until the ACLs change, so a request pays a map lookup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../storage/checkpoint.js';
import {
  type AclBinding,
  type AclBindingFilter,
  AclOperation,
  AclPermission,
  filterMatches,
  invalidBinding,
  PatternType,
  WILDCARD,
  WILDCARD_PRINCIPAL,
} from './acl.js';

/** Where ACLs live: a file in single-node mode; ZooKeeper (`/kafka-acl/...`) in cluster mode. */
export interface AclStore {
  load(): Promise<AclBinding[]>;
  /**
   * Stores `bindings` as the new set. A store shared with other brokers applies only what differs
   * from what it last held, keeping their concurrent changes, and resolves with the set it holds after.
   */
  save(bindings: readonly AclBinding[]): Promise<readonly AclBinding[] | undefined>;
  /** A shared store calls `listener` with the whole set whenever another broker changed it. */
  onChange?(listener: (bindings: readonly AclBinding[]) => void): void;
}

const FILE = 'samsa-acls.json';

export class FileAclStore implements AclStore {
  constructor(private readonly dataDir: string) {}

  async load(): Promise<AclBinding[]> {
    const path = join(this.dataDir, FILE);
    if (!existsSync(path)) return [];
    return (JSON.parse(readFileSync(path, 'utf8')) as { acls: AclBinding[] }).acls;
  }

  async save(bindings: readonly AclBinding[]): Promise<undefined> {
    writeFileAtomically(
      join(this.dataDir, FILE),
      `${JSON.stringify({ version: 1, acls: bindings }, null, 2)}\n`,
    );
    return undefined;
  }
}

export interface AuthorizerSettings {
  /** `super.users=User:a;User:b`. */
  readonly superUsers: readonly string[];
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** The operations whose ALLOW grants `operation` (besides ALL). */
const IMPLYING: ReadonlyMap<number, readonly number[]> = new Map([
  [
    AclOperation.DESCRIBE,
    [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER],
  ],
  [AclOperation.DESCRIBE_CONFIGS, [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]],
]);

const CACHE_LIMIT = 100_000;

const patternKey = (resourceType: number, patternType: number, name: string) =>
  `${resourceType}\0${patternType}\0${name}`;

/** One string per binding, so that creating many ACLs checks for existing ones in a set. */
function bindingKey({ pattern: p, entry: e }: AclBinding): string {
  return `${p.resourceType}\0${p.patternType}\0${p.name}\0${e.principal}\0${e.host}\0${e.operation}\0${e.permission}`;
}

export class AclAuthorizer {
  private bindings: AclBinding[] = [];
  /** The bindings by resource type, pattern type and name, so a decision looks up, never scans. */
  private byPattern = new Map<string, AclBinding[]>();
  private readonly cache = new Map<string, boolean>();
  private readonly superUsers: ReadonlySet<string>;

  constructor(
    private readonly store: AclStore,
    private readonly settings: AuthorizerSettings,
  ) {
    this.superUsers = new Set(settings.superUsers);
    store.onChange?.((bindings) => this.use(bindings));
  }

  async load(): Promise<void> {
    this.use(await this.store.load());
  }

  authorize(principal: string, host: string, operation: number, resourceType: number, name: string): boolean {
    if (this.superUsers.has(principal)) return true;
    const key = `${principal}\0${host}\0${operation}\0${resourceType}\0${name}`;
    let decision = this.cache.get(key);
    if (decision === undefined) {
      decision = this.decide(principal, host, operation, resourceType, name);
      this.remember(key, decision);
    }
    return decision;
  }

  /**
   * Kafka's `authorizeByResourceType` (KIP-679): true when some ALLOW for `operation` on a resource
   * of the type applies to the principal and is not wholly covered by a DENY (a DENY on the
   * literal `*` refuses everything). InitProducerId asks it for "Write on any topic".
   */
  authorizeByResourceType(principal: string, host: string, operation: number, resourceType: number): boolean {
    if (this.superUsers.has(principal)) return true;
    // One field fewer than a resource's key, so the two never collide.
    const key = `${principal}\0${host}\0${operation}\0${resourceType}`;
    let decision = this.cache.get(key);
    if (decision === undefined) {
      decision = this.decideByResourceType(principal, host, operation, resourceType);
      this.remember(key, decision);
    }
    return decision;
  }

  /**
   * KIP-430's authorized operations: a bit (1 << operation code) per operation of `operations`
   * the principal may do on the resource.
   */
  authorizedOperations(
    principal: string,
    host: string,
    resourceType: number,
    name: string,
    operations: readonly number[],
  ): number {
    let bits = 0;
    for (const op of operations) if (this.authorize(principal, host, op, resourceType, name)) bits |= 1 << op;
    return bits;
  }

  private use(bindings: readonly AclBinding[]): void {
    this.bindings = [...bindings];
    this.byPattern = new Map();
    for (const b of bindings) {
      const key = patternKey(b.pattern.resourceType, b.pattern.patternType, b.pattern.name);
      const list = this.byPattern.get(key);
      if (list) list.push(b);
      else this.byPattern.set(key, [b]);
    }
    this.cache.clear();
  }

  /** The bindings whose pattern applies to the resource: its literal name, literal `*`, and every prefix. */
  private matching(resourceType: number, name: string): AclBinding[] {
    const found: AclBinding[] = [];
    const add = (patternType: number, n: string) => {
      const list = this.byPattern.get(patternKey(resourceType, patternType, n));
      if (list) found.push(...list);
    };
    add(PatternType.LITERAL, name);
    if (name !== WILDCARD) add(PatternType.LITERAL, WILDCARD);
    for (let end = 1; end <= name.length; end++) add(PatternType.PREFIXED, name.slice(0, end));
    return found;
  }

  private remember(key: string, decision: boolean): void {
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, decision);
  }

  private applies(b: AclBinding, principal: string, host: string): boolean {
    return (
      (b.entry.principal === principal || b.entry.principal === WILDCARD_PRINCIPAL) &&
      (b.entry.host === host || b.entry.host === WILDCARD)
    );
  }

  private decide(
    principal: string,
    host: string,
    operation: number,
    resourceType: number,
    name: string,
  ): boolean {
    const acls = this.matching(resourceType, name);
    if (acls.length === 0) return this.settings.allowEveryoneIfNoAclFound;
    const denied = acls.some(
      (b) =>
        b.entry.permission === AclPermission.DENY &&
        this.applies(b, principal, host) &&
        (b.entry.operation === operation || b.entry.operation === AclOperation.ALL),
    );
    if (denied) return false;
    const granting = IMPLYING.get(operation) ?? [operation];
    return acls.some(
      (b) =>
        b.entry.permission === AclPermission.ALLOW &&
        this.applies(b, principal, host) &&
        (b.entry.operation === AclOperation.ALL || granting.includes(b.entry.operation)),
    );
  }

  private decideByResourceType(
    principal: string,
    host: string,
    operation: number,
    resourceType: number,
  ): boolean {
    const relevant = this.bindings.filter(
      (b) =>
        b.pattern.resourceType === resourceType &&
        this.applies(b, principal, host) &&
        (b.entry.operation === operation || b.entry.operation === AclOperation.ALL),
    );
    const deny = relevant.filter((b) => b.entry.permission === AclPermission.DENY);
    if (deny.some((b) => b.pattern.patternType === PatternType.LITERAL && b.pattern.name === WILDCARD)) {
      return false;
    }
    if (this.settings.allowEveryoneIfNoAclFound) return true;
    const deniedPrefixes = deny.filter((b) => b.pattern.patternType === PatternType.PREFIXED);
    const deniedLiterals = new Set(
      deny.filter((b) => b.pattern.patternType === PatternType.LITERAL).map((b) => b.pattern.name),
    );
    return relevant.some((b) => {
      if (b.entry.permission !== AclPermission.ALLOW) return false;
      const { name, patternType } = b.pattern;
      if (patternType === PatternType.LITERAL && name === WILDCARD) return true;
      if (patternType === PatternType.LITERAL && deniedLiterals.has(name)) return false;
      return !deniedPrefixes.some((d) => name.startsWith(d.pattern.name));
    });
  }

  /** Adds the valid bindings; returns an error message per binding (undefined when created). */
  async createAcls(bindings: readonly AclBinding[]): Promise<(string | undefined)[]> {
    const errors = bindings.map(invalidBinding);
    const known = new Set(this.bindings.map(bindingKey));
    const added = bindings.filter((b, i) => {
      if (errors[i] !== undefined || known.has(bindingKey(b))) return false;
      known.add(bindingKey(b));
      return true;
    });
    if (added.length > 0) await this.replace([...this.bindings, ...added]);
    return errors;
  }

  describeAcls(filter: AclBindingFilter): AclBinding[] {
    return this.bindings.filter((b) => filterMatches(filter, b));
  }

  /** Removes what each filter matches; returns the bindings removed per filter. */
  async deleteAcls(filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
    const removed = filters.map((f) => this.bindings.filter((b) => filterMatches(f, b)));
    const gone = new Set(removed.flat());
    if (gone.size > 0) await this.replace(this.bindings.filter((b) => !gone.has(b)));
    return removed;
  }

  private async replace(bindings: AclBinding[]): Promise<void> {
    this.use((await this.store.save(bindings)) ?? bindings);
  }
}
