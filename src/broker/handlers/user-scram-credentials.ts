import { ErrorCode } from '../../protocol/errors.js';
import { AlterUserScramCredentials } from '../../protocol/messages/alter-user-scram-credentials.js';
import { DescribeUserScramCredentials } from '../../protocol/messages/describe-user-scram-credentials.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import type { CredentialChange } from '../../security/credential-store.js';
import {
  credentialFromSaltedPassword,
  SCRAM_MAX_ITERATIONS,
  SCRAM_MECHANISMS,
  SCRAM_MIN_ITERATIONS,
  scramMechanismOfType,
} from '../../security/sasl/scram.js';
import { clusterAuthorized } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';

interface UserResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

const failed = (user: string, errorCode: number, errorMessage: string): UserResult => ({
  user,
  errorCode,
  errorMessage,
});

/**
 * DescribeUserScramCredentials v0 (KIP-554): mechanisms and iterations per user, never the keys.
 * Needs Describe on the cluster.
 */
export const describeUserScramCredentialsHandler: Handler = {
  api: DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(request: { users: { name: string }[] | null }, _version, context) {
    if (!clusterAuthorized(context, AclOperation.DESCRIBE)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: 'Cluster authorization failed.',
        results: [],
      };
    }
    const store = context.services.credentials;
    const summaries = new Map(store.list().map((s) => [s.user, s]));
    const requested = request.users && request.users.length > 0 ? request.users.map((u) => u.name) : null;
    const names = requested ?? [...summaries.keys()];
    const duplicates = new Set(names.filter((n, i) => names.indexOf(n) !== i));
    const results = [...new Set(names)].map((user) => {
      if (duplicates.has(user)) {
        return {
          ...failed(
            user,
            ErrorCode.DUPLICATE_RESOURCE,
            `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`,
          ),
          credentialInfos: [],
        };
      }
      const summary = summaries.get(user);
      if (!summary) {
        return {
          ...failed(
            user,
            ErrorCode.RESOURCE_NOT_FOUND,
            `Attempt to describe a user credential that does not exist: ${user}`,
          ),
          credentialInfos: [],
        };
      }
      return {
        user,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        credentialInfos: summary.mechanisms.map((m) => ({
          mechanism: SCRAM_MECHANISMS[m.mechanism].type,
          iterations: m.iterations,
        })),
      };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
};

interface Deletion {
  name: string;
  mechanism: number;
}
interface Upsertion extends Deletion {
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

/**
 * AlterUserScramCredentials v0 (KIP-554). Each user's changes are checked as Kafka does (name,
 * mechanism, 4096-16384 iterations, one change per user and mechanism, deletions of existing
 * credentials) and applied together, or not at all for that user. Needs Alter on the cluster
 * (every user named gets CLUSTER_AUTHORIZATION_FAILED otherwise).
 */
export const alterUserScramCredentialsHandler: Handler = {
  api: AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(request: { deletions: Deletion[]; upsertions: Upsertion[] }, _version, context) {
    const store = context.services.credentials;
    const byUser = new Map<string, { deletions: Deletion[]; upsertions: Upsertion[] }>();
    const entry = (name: string) => {
      let e = byUser.get(name);
      if (!e) byUser.set(name, (e = { deletions: [], upsertions: [] }));
      return e;
    };
    for (const d of request.deletions) entry(d.name).deletions.push(d);
    for (const u of request.upsertions) entry(u.name).upsertions.push(u);
    if (!clusterAuthorized(context, AclOperation.ALTER)) {
      const refused = [...byUser.keys()].map((user) =>
        failed(user, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.'),
      );
      return { throttleTimeMs: 0, results: refused };
    }

    const results: UserResult[] = [];
    const changes: CredentialChange[] = [];
    for (const [user, { deletions, upsertions }] of byUser) {
      const problem = checkUser(user, deletions, upsertions, (u, type) =>
        store.get(u, scramMechanismOfType(type)!),
      );
      if (problem) {
        results.push(failed(user, problem[0], problem[1]));
        continue;
      }
      for (const d of deletions) changes.push({ user, mechanism: scramMechanismOfType(d.mechanism)! });
      for (const u of upsertions) {
        const mechanism = scramMechanismOfType(u.mechanism)!;
        changes.push({
          user,
          mechanism,
          credential: credentialFromSaltedPassword(mechanism, u.saltedPassword, u.salt, u.iterations),
        });
      }
      results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null });
    }
    try {
      await store.alter(changes);
    } catch (error) {
      // The store could not be written (ZooKeeper, the disk): the users it would have changed get the error.
      context.logger.warn({ err: error }, 'could not store SCRAM credential changes');
      const code = errorCodeFor(error);
      const message = errorMessageFor(error);
      return {
        throttleTimeMs: 0,
        results: results.map((r) =>
          r.errorCode === ErrorCode.NONE ? { user: r.user, errorCode: code, errorMessage: message } : r,
        ),
      };
    }
    return { throttleTimeMs: 0, results };
  },
};

function checkUser(
  user: string,
  deletions: readonly Deletion[],
  upsertions: readonly Upsertion[],
  existing: (user: string, mechanismType: number) => unknown,
): [number, string] | undefined {
  if (user === '') return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'];
  const mechanisms = [...deletions, ...upsertions].map((c) => c.mechanism);
  if (mechanisms.some((m) => scramMechanismOfType(m) === undefined)) {
    return [ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'];
  }
  if (new Set(mechanisms).size !== mechanisms.length) {
    return [ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'];
  }
  for (const u of upsertions) {
    if (u.iterations < SCRAM_MIN_ITERATIONS) return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations'];
    if (u.iterations > SCRAM_MAX_ITERATIONS)
      return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations'];
    const keyLength = SCRAM_MECHANISMS[scramMechanismOfType(u.mechanism)!].keyLength;
    if (u.salt.length === 0 || u.saltedPassword.length !== keyLength) {
      return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt and salted password do not fit the mechanism'];
    }
  }
  if (deletions.some((d) => !existing(user, d.mechanism))) {
    return [ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'];
  }
  return undefined;
}
