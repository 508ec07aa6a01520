/**
 * The states of a classic (pre-KIP-848) group, as in apache/kafka `ClassicGroupState.java` and the
 * older `core/.../coordinator/group/GroupMetadata.scala`. Each state lists how the coordinator answers
 * each API while the group is in it, and which events move it on.
 *
 * Empty: no members; the group lingers until its offsets expire. Also the state of groups that only
 *   use Kafka to store offsets (simple consumers, admin tools).
 *   - JoinGroup from a new member: accepted → PreparingRebalance
 *   - SyncGroup, Heartbeat, LeaveGroup: UNKNOWN_MEMBER_ID
 *   - OffsetCommit: accepted with generation -1 (no group management), else UNKNOWN_MEMBER_ID
 *   - OffsetFetch: allowed
 *   - transitions: JoinGroup → PreparingRebalance; offsets expired or group deleted → Dead
 *
 * PreparingRebalance: waiting for the members to (re)join, up to the rebalance timeout.
 *   - JoinGroup: parked until every known member has joined (or the timeout)
 *   - SyncGroup: REBALANCE_IN_PROGRESS
 *   - Heartbeat: REBALANCE_IN_PROGRESS (and the session is kept alive)
 *   - LeaveGroup: the member is removed
 *   - OffsetCommit: allowed from members of the previous generation
 *   - OffsetFetch: allowed
 *   - transitions: some members joined by the timeout → CompletingRebalance;
 *     every member left → Empty; group unloaded → Dead
 *
 * CompletingRebalance: the join round is over; waiting for the leader's assignment.
 *   - JoinGroup: a member rejoining with the same metadata gets the current generation back;
 *     changed metadata or a new member → PreparingRebalance
 *   - SyncGroup: followers are parked; the leader's assignment is stored, then → Stable
 *   - Heartbeat: accepted (members start heartbeating right after JoinGroup; Kafka 3.x)
 *   - OffsetCommit: REBALANCE_IN_PROGRESS
 *   - OffsetFetch: allowed
 *   - transitions: leader's SyncGroup stored → Stable; join from a new member, leave, member failure
 *     → PreparingRebalance; group unloaded → Dead
 *
 * Stable: every member has its assignment.
 *   - JoinGroup: a follower with unchanged metadata gets the current generation back; the leader, or
 *     a member with new metadata → PreparingRebalance
 *   - SyncGroup: the member's current assignment
 *   - Heartbeat: accepted
 *   - OffsetCommit: allowed from members of the current generation
 *   - OffsetFetch: allowed
 *   - transitions: member failure (session timeout), leave, leader join, follower join with new
 *     metadata → PreparingRebalance; group unloaded → Dead
 *
 * Dead: the group is being removed (deleted, expired or unloaded). Every API but OffsetFetch answers
 *   COORDINATOR_NOT_AVAILABLE (the group may have moved) or UNKNOWN_MEMBER_ID. Final state.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** For each state, the states a group may come from (ClassicGroupState's static block). */
const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export const GROUP_STATES: readonly GroupState[] = [
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
];

export function isValidTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS_STATES[to].includes(from);
}

/** A rebalance may start from any state that may precede PreparingRebalance. */
export function canRebalance(state: GroupState): boolean {
  return isValidTransition(state, 'PreparingRebalance');
}

/** Parses a state name case-insensitively, as ListGroups v4's states filter does. */
export function parseGroupState(name: string): GroupState | undefined {
  const lower = name.toLowerCase();
  return GROUP_STATES.find((s) => s.toLowerCase() === lower);
}
