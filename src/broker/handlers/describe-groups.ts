import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { DescribeGroups } from '../../protocol/messages/describe-groups.js';
import type { Handler } from './handler.js';

/** AclOperation codes for a group (READ 3, DELETE 6, DESCRIBE 8): all allowed without an authorizer. */
const GROUP_AUTHORIZED_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
/** Kafka's default when the client did not ask (Integer.MIN_VALUE). */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/**
 * DescribeGroups (v0-v5). A group this broker does not know is reported as Dead with no error, as
 * Kafka does before v6. Member metadata and assignments are only filled in once the group is Stable.
 */
export const describeGroupsHandler: Handler = {
  api: DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, version, context) {
    const includeOps = version >= 3 && request.includeAuthorizedOperations === true;
    return {
      throttleTimeMs: 0,
      groups: (request.groups ?? []).map((groupId: string) => {
        const d = coordinatorOrUnavailable(context.services.groups).describeGroup(groupId);
        return {
          errorCode: errorCodeOf(d.error),
          groupId,
          groupState: d.state,
          protocolType: d.protocolType,
          protocolData: d.protocol,
          members: d.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: includeOps ? GROUP_AUTHORIZED_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
        };
      }),
    };
  },
};
