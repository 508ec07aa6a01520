import { ErrorCode } from '../../protocol/errors.js';
import { AlterClientQuotas } from '../../protocol/messages/alter-client-quotas.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { SamsaError } from '../../util/errors.js';
import { clusterAuthorized } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';

interface AlterClientQuotasRequest {
  entries: {
    entity: { entityType: string; entityName: string | null }[];
    ops: { key: string; value: number; remove: boolean }[];
  }[];
  validateOnly: boolean;
}

/**
 * AlterClientQuotas (v0-1, KIP-546): sets and removes quota keys per entity. Each entry is
 * validated on its own and answered with its own error; `validateOnly` checks without storing.
 * Needs AlterConfigs on the cluster (every entry gets CLUSTER_AUTHORIZATION_FAILED otherwise).
 */
export const alterClientQuotasHandler: Handler<AlterClientQuotasRequest> = {
  api: AlterClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, _version, context) {
    const results = await alterEntries(request, context).catch((error: unknown) => {
      // The store could not be written (ZooKeeper, the disk): every entry gets the error, as Kafka.
      context.logger.warn({ err: error }, 'could not store client quota changes');
      return request.entries.map(() => error);
    });
    return {
      throttleTimeMs: 0,
      entries: request.entries.map((e, i) => {
        const error = results[i];
        return {
          errorCode: error ? errorCodeFor(error) : ErrorCode.NONE,
          errorMessage: error ? errorMessageFor(error) : null,
          entity: e.entity,
        };
      }),
    };
  },
};

/** Each entry's error, or undefined where it was applied (or would be, with validateOnly). */
async function alterEntries(
  request: AlterClientQuotasRequest,
  context: RequestContext,
): Promise<readonly unknown[]> {
  if (!clusterAuthorized(context, AclOperation.ALTER_CONFIGS)) {
    return request.entries.map(
      () => new SamsaError('CLUSTER_AUTHORIZATION_FAILED', 'Cluster authorization failed.'),
    );
  }
  const quotas = context.services.quotas;
  if (!quotas) {
    return request.entries.map(() => new SamsaError('UNSUPPORTED_VERSION', 'client quotas are not enabled'));
  }
  return quotas.alter(
    request.entries.map((e) => ({
      entity: e.entity,
      ops: e.ops.map((op) => (op.remove ? { key: op.key } : { key: op.key, value: op.value })),
    })),
    request.validateOnly,
  );
}
