import { errorCodeOf } from '../../protocol/errors.js';
import { ControlledShutdown } from '../../protocol/messages/controlled-shutdown.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { clusterAuthorized } from './authorize.js';
import type { Handler } from './handler.js';

interface ControlledShutdownRequest {
  brokerId: number;
  brokerEpoch?: bigint;
}

/**
 * ControlledShutdown (v1-v3), served by the controller: moves leadership off the stopping broker
 * and answers with the partitions it still leads. Any other broker (and a single node, which has
 * no one to hand over to) answers NOT_CONTROLLER. Only a principal with ClusterAction (a broker)
 * may ask.
 */
export const controlledShutdownHandler: Handler<ControlledShutdownRequest> = {
  api: ControlledShutdown,
  minVersion: 1,
  maxVersion: 3,
  async handle(request, _version, context) {
    if (!clusterAuthorized(context, AclOperation.CLUSTER_ACTION)) {
      return { errorCode: errorCodeOf('CLUSTER_AUTHORIZATION_FAILED'), remainingPartitions: [] };
    }
    const controller = context.services.controller;
    if (!controller) return { errorCode: errorCodeOf('NOT_CONTROLLER'), remainingPartitions: [] };
    const result = await controller.controlledShutdown(request.brokerId, request.brokerEpoch ?? -1n);
    return {
      errorCode: errorCodeOf(result.error),
      remainingPartitions: result.remaining.map((tp) => ({
        topicName: tp.topic,
        partitionIndex: tp.partition,
      })),
    };
  },
};
