import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { DescribeGroups } from '../../protocol/messages/describe-groups.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { AUTHORIZED_OPERATIONS_OMITTED, authorizedOperations, groupAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

/**
 * DescribeGroups (v0-v5). A group this broker does not know is reported as Dead with no error, as
 * Kafka does before v6. Member metadata and assignments are only filled in once the group is Stable.
 * As Kafka: a group needs Describe (GROUP_AUTHORIZATION_FAILED and nothing else otherwise); v3+
 * authorized operations, when asked for, are what the ACLs allow on the group.
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
        if (!groupAuthorized(context, groupId, AclOperation.DESCRIBE)) {
          return {
            errorCode: errorCodeOf('GROUP_AUTHORIZATION_FAILED'),
            groupId,
            groupState: '',
            protocolType: '',
            protocolData: '',
            members: [],
            authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
          };
        }
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
          authorizedOperations:
            includeOps && d.error === 'NONE'
              ? authorizedOperations(context, ResourceType.GROUP, groupId)
              : AUTHORIZED_OPERATIONS_OMITTED,
        };
      }),
    };
  },
};
