import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { LeaveGroup } from '../../protocol/messages/leave-group.js';
import { groupAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

/**
 * LeaveGroup (v0-v5). v0-v2 name one member; v3+ (KIP-345) a batch with group instance ids, each
 * answered on its own; v5 adds a reason. For one-member versions the member's error is the answer.
 * Needs Read on the group (GROUP_AUTHORIZATION_FAILED, no members, otherwise).
 */
export const leaveGroupHandler: Handler = {
  api: LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(request, version, context) {
    if (!groupAuthorized(context, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf('GROUP_AUTHORIZATION_FAILED'), members: [] };
    }
    const leaving =
      version >= 3
        ? (request.members ?? []).map(
            (m: { memberId: string; groupInstanceId: string | null; reason?: string | null }) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId ?? null,
              reason: m.reason ?? null,
            }),
          )
        : [{ memberId: request.memberId as string, groupInstanceId: null }];
    const result = coordinatorOrUnavailable(context.services.groups).leaveGroup(request.groupId, leaving);
    if (version < 3) {
      const error = result.error !== 'NONE' ? result.error : (result.members[0]?.error ?? 'NONE');
      return { throttleTimeMs: 0, errorCode: errorCodeOf(error) };
    }
    return {
      throttleTimeMs: 0,
      errorCode: errorCodeOf(result.error),
      members: result.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        errorCode: errorCodeOf(m.error),
      })),
    };
  },
};
