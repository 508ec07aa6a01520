import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { ListGroups } from '../../protocol/messages/list-groups.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { authorizedNames, clusterAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

/**
 * ListGroups (v0-v5): v4+ filters by state (KIP-518), v5+ by group type (KIP-848; all are classic).
 * As Kafka: Describe on the cluster lists every group, otherwise only the groups the principal may
 * Describe.
 */
export const listGroupsHandler: Handler = {
  api: ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, version, context) {
    const states: string[] = version >= 4 ? (request.statesFilter ?? []) : [];
    const types: string[] = version >= 5 ? (request.typesFilter ?? []) : [];
    const result = coordinatorOrUnavailable(context.services.groups).listGroups(states, types);
    const describable = authorizedNames(context, AclOperation.DESCRIBE, ResourceType.GROUP);
    const visible = clusterAuthorized(context, AclOperation.DESCRIBE)
      ? result.groups
      : result.groups.filter((g) => describable(g.groupId));
    return {
      throttleTimeMs: 0,
      errorCode: errorCodeOf(result.error),
      groups: visible.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
        groupType: 'classic',
      })),
    };
  },
};
