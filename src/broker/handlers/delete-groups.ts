import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { DeleteGroups } from '../../protocol/messages/delete-groups.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { authorizedNames } from './authorize.js';
import type { Handler } from './handler.js';

/**
 * DeleteGroups (v0-v2): only Empty groups; their offsets and metadata are tombstoned. A group needs
 * Delete (GROUP_AUTHORIZATION_FAILED otherwise, and the coordinator is not asked about it).
 */
export const deleteGroupsHandler: Handler = {
  api: DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, _version, context) {
    const ids: string[] = [...new Set<string>(request.groupsNames ?? [])];
    const deletable = authorizedNames(context, AclOperation.DELETE, ResourceType.GROUP);
    const allowed = ids.filter(deletable);
    const results = await coordinatorOrUnavailable(context.services.groups).deleteGroups(allowed);
    return {
      throttleTimeMs: 0,
      results: ids.map((groupId) => ({
        groupId,
        errorCode: errorCodeOf(
          deletable(groupId) ? (results.get(groupId) ?? 'NONE') : 'GROUP_AUTHORIZATION_FAILED',
        ),
      })),
    };
  },
};
