import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { DeleteGroups } from '../../protocol/messages/delete-groups.js';
import type { Handler } from './handler.js';

/** DeleteGroups (v0-v2): only Empty groups; their offsets and metadata are tombstoned. */
export const deleteGroupsHandler: Handler = {
  api: DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, _version, context) {
    const ids: string[] = [...new Set<string>(request.groupsNames ?? [])];
    const results = await coordinatorOrUnavailable(context.services.groups).deleteGroups(ids);
    return {
      throttleTimeMs: 0,
      results: ids.map((groupId) => ({ groupId, errorCode: errorCodeOf(results.get(groupId) ?? 'NONE') })),
    };
  },
};
