import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { ListGroups } from '../../protocol/messages/list-groups.js';
import type { Handler } from './handler.js';

/** ListGroups (v0-v5): v4+ filters by state (KIP-518), v5+ by group type (KIP-848; all are classic). */
export const listGroupsHandler: Handler = {
  api: ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, version, context) {
    const states: string[] = version >= 4 ? (request.statesFilter ?? []) : [];
    const types: string[] = version >= 5 ? (request.typesFilter ?? []) : [];
    const result = coordinatorOrUnavailable(context.services.groups).listGroups(states, types);
    return {
      throttleTimeMs: 0,
      errorCode: errorCodeOf(result.error),
      groups: result.groups.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.state,
        groupType: 'classic',
      })),
    };
  },
};
