/**
 * SCRAM user administration (KIP-554): DescribeUserScramCredentials and
 * AlterUserScramCredentials. The password is salted and hashed here, on the client, as Kafka's
 * Admin does; only the salted password crosses the wire.
 */
import { randomBytes } from 'node:crypto';
import { AlterUserScramCredentials, DescribeUserScramCredentials } from '../protocol/messages/index.js';
import {
  SCRAM_MECHANISMS,
  SCRAM_MIN_ITERATIONS,
  type ScramMechanism,
  saltedPassword,
  scramMechanismOfType,
} from '../security/sasl/scram.js';
import type { ClusterClient } from './cluster-client.js';
import { type KafkaResponseError, responseError, throwIfError } from './errors.js';

export interface ScramUser {
  readonly user: string;
  readonly credentials: readonly { mechanism: ScramMechanism; iterations: number }[];
}

export type ScramChange =
  | {
      readonly kind: 'upsert';
      readonly user: string;
      readonly mechanism: ScramMechanism;
      readonly password: string;
      readonly iterations?: number;
    }
  | { readonly kind: 'delete'; readonly user: string; readonly mechanism: ScramMechanism };

/** Every user with SCRAM credentials, or the given ones (an unknown one fails with RESOURCE_NOT_FOUND). */
export async function describeScramUsers(
  cluster: ClusterClient,
  users?: readonly string[],
): Promise<ScramUser[]> {
  const connection = await cluster.anyConnection();
  const response = await connection.send(DescribeUserScramCredentials, {
    users: users && users.length > 0 ? users.map((name) => ({ name })) : null,
  });
  throwIfError(response.errorCode, 'DescribeUserScramCredentials', response.errorMessage);
  return (response.results as any[]).map((r) => {
    throwIfError(r.errorCode, `user ${r.user}`, r.errorMessage);
    return {
      user: r.user,
      credentials: (r.credentialInfos as { mechanism: number; iterations: number }[]).map((c) => ({
        mechanism: scramMechanismOfType(c.mechanism) ?? ('UNKNOWN' as ScramMechanism),
        iterations: c.iterations,
      })),
    };
  });
}

/** Applies the changes; returns each user's outcome (null error = done). */
export async function alterScramUsers(
  cluster: ClusterClient,
  changes: readonly ScramChange[],
): Promise<{ user: string; error: KafkaResponseError | null }[]> {
  const upsertions = [];
  const deletions = [];
  for (const change of changes) {
    const mechanism = SCRAM_MECHANISMS[change.mechanism].type;
    if (change.kind === 'delete') {
      deletions.push({ name: change.user, mechanism });
      continue;
    }
    const iterations = change.iterations ?? SCRAM_MIN_ITERATIONS;
    const salt = randomBytes(32);
    upsertions.push({
      name: change.user,
      mechanism,
      iterations,
      salt,
      saltedPassword: await saltedPassword(change.mechanism, change.password, salt, iterations),
    });
  }
  const connection = await cluster.anyConnection();
  const response = await connection.send(AlterUserScramCredentials, { deletions, upsertions });
  return (response.results as { user: string; errorCode: number; errorMessage: string | null }[]).map(
    (r) => ({
      user: r.user,
      error: r.errorCode === 0 ? null : responseError(r.errorCode, `user ${r.user}`, r.errorMessage),
    }),
  );
}
