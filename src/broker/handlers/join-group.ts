import { coordinatorOrUnavailable } from '../../group/group-coordinator.js';
import { ErrorCode, errorCodeOf } from '../../protocol/errors.js';
import { JoinGroup } from '../../protocol/messages/join-group.js';
import { groupAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

/** Kafka reports a member's host as `InetAddress.toString()`: `/` and the address, no port. */
export function clientHostOf(clientAddress: string): string {
  const i = clientAddress.lastIndexOf(':');
  const host = i > 0 ? clientAddress.slice(0, i) : clientAddress;
  return `/${host.replace(/^\[|\]$/g, '')}`;
}

/**
 * JoinGroup (v0-v9). v0 has no rebalance timeout: the session timeout serves as both (Kafka).
 * v4+ dynamic members first get MEMBER_ID_REQUIRED (KIP-394); v5+ static members (KIP-345);
 * v7+ protocol type and a nullable protocol name; v9 skipAssignment (KIP-814).
 */
export const joinGroupHandler: Handler = {
  api: JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, version, context) {
    if (!groupAuthorized(context, request.groupId)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        generationId: -1,
        protocolType: null,
        protocolName: version < 7 ? '' : null,
        leader: '',
        skipAssignment: false,
        memberId: request.memberId,
        members: [],
      };
    }
    const result = await coordinatorOrUnavailable(context.services.groups).joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      requireKnownMemberId: version >= 4,
      clientId: context.header.clientId ?? '',
      clientHost: clientHostOf(context.clientAddress),
      rebalanceTimeoutMs: version >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: (request.protocols ?? []).map((p: { name: string; metadata: Buffer }) => ({
        name: p.name,
        metadata: p.metadata,
      })),
      reason: request.reason ?? null,
      supportsSkipAssignment: version >= 9,
    });
    return {
      throttleTimeMs: 0,
      errorCode: errorCodeOf(result.error),
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Before v7 the protocol name is not nullable: "" stands for none (JoinGroupResponse.java).
      protocolName: version < 7 ? (result.protocolName ?? '') : result.protocolName,
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        metadata: m.metadata,
      })),
    };
  },
};
