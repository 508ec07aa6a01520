import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { errorCodeOf } from '../../protocol/errors.js';
import { SyncGroup } from '../../protocol/messages/sync-group.js';
import { groupAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

/**
 * SyncGroup (v0-v5). v3+ static members; v5+ (KIP-559) the request must name the protocol type and
 * name, checked against the group's, and the response echoes them.
 */
export const syncGroupHandler: Handler = {
  api: SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, version, context) {
    const protocolType: string | null = version >= 5 ? (request.protocolType ?? null) : null;
    const protocolName: string | null = version >= 5 ? (request.protocolName ?? null) : null;
    if (!groupAuthorized(context, request.groupId)) {
      return reply('GROUP_AUTHORIZATION_FAILED', null, null, Buffer.alloc(0));
    }
    if (version >= 5 && (protocolType === null || protocolName === null)) {
      return reply('INCONSISTENT_GROUP_PROTOCOL', null, null, Buffer.alloc(0));
    }
    const result = await coordinatorOrUnavailable(context.services.groups).syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      protocolType,
      protocolName,
      assignments: (request.assignments ?? []).map((a: { memberId: string; assignment: Buffer | null }) => ({
        memberId: a.memberId,
        assignment: a.assignment ?? Buffer.alloc(0),
      })),
    });
    return reply(result.error, result.protocolType, result.protocolName, result.assignment);
  },
};

function reply(error: string, protocolType: string | null, protocolName: string | null, assignment: Buffer) {
  return { throttleTimeMs: 0, errorCode: errorCodeOf(error), protocolType, protocolName, assignment };
}
