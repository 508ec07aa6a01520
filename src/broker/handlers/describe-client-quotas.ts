import { ErrorCode } from '../../protocol/errors.js';
import { DescribeClientQuotas } from '../../protocol/messages/describe-client-quotas.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { entityComponents, type QuotaFilterComponent } from '../../security/quotas/client-quotas.js';
import { SamsaError } from '../../util/errors.js';
import { clusterAuthorized } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';

interface DescribeClientQuotasRequest {
  components: { entityType: string; matchType: number; match: string | null }[];
  strict: boolean;
}

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_ANY = 2;

function filterComponent(c: DescribeClientQuotasRequest['components'][number]): QuotaFilterComponent {
  if (c.matchType === MATCH_EXACT) {
    if (c.match === null)
      throw new SamsaError('INVALID_REQUEST', `exact match on ${c.entityType} needs a name`);
    return { entityType: c.entityType, match: { kind: 'exact', name: c.match } };
  }
  if (c.matchType === MATCH_DEFAULT) return { entityType: c.entityType, match: { kind: 'default' } };
  if (c.matchType === MATCH_ANY) return { entityType: c.entityType, match: { kind: 'any' } };
  throw new SamsaError('INVALID_REQUEST', `Unexpected match type ${c.matchType}`);
}

/** DescribeClientQuotas (v0-1, KIP-546): the quota entries a filter selects; needs DescribeConfigs on the cluster. */
export const describeClientQuotasHandler: Handler<DescribeClientQuotasRequest> = {
  api: DescribeClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  handle(request, _version, context) {
    const quotas = context.services.quotas;
    try {
      if (!clusterAuthorized(context, AclOperation.DESCRIBE_CONFIGS)) {
        throw new SamsaError('CLUSTER_AUTHORIZATION_FAILED', 'Cluster authorization failed.');
      }
      if (!quotas) throw new SamsaError('UNSUPPORTED_VERSION', 'client quotas are not enabled');
      const entries = quotas.describe(request.components.map(filterComponent), request.strict);
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        entries: entries.map((e) => ({
          entity: entityComponents(e.entity),
          values: Object.entries(e.values).map(([key, value]) => ({ key, value })),
        })),
      };
    } catch (error) {
      if (!(error instanceof SamsaError)) throw error;
      return {
        throttleTimeMs: 0,
        errorCode: errorCodeFor(error),
        errorMessage: errorMessageFor(error),
        entries: null,
      };
    }
  },
};
