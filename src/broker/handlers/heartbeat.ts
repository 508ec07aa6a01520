import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { Heartbeat } from '../../protocol/messages/heartbeat.js';
import { groupAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

/** Heartbeat (v0-v4); v3+ carries the group instance id of static members. */
export const heartbeatHandler: Handler = {
  api: Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(request, _version, context) {
    if (!groupAuthorized(context, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: errorCodeOf('GROUP_AUTHORIZATION_FAILED') };
    }
    const error = coordinatorOrUnavailable(context.services.groups).heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
    });
    return { throttleTimeMs: 0, errorCode: errorCodeOf(error) };
  },
};
