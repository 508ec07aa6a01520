import { ErrorCode } from '../../protocol/errors.js';
import { DescribeCluster } from '../../protocol/messages/describe-cluster.js';
import { brokerAddress } from './advertised-endpoint.js';
import { clusterAuthorizedOperations } from './authorize.js';
import type { Handler } from './handler.js';

/** DescribeCluster.EndpointType (KIP-919): 1 = brokers, 2 = controllers (KRaft only). */
const BROKER_ENDPOINTS = 1;

/**
 * DescribeCluster (v0-v1, KIP-700): the cluster id, the controller and every live broker. Asking
 * for controller endpoints (a KRaft notion) gets UNSUPPORTED_ENDPOINT_TYPE, as a ZooKeeper-mode
 * Kafka broker answers. Cluster authorized operations (KIP-430) when asked for.
 */
export const describeClusterHandler: Handler<{
  endpointType?: number;
  includeClusterAuthorizedOperations: boolean;
}> = {
  api: DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(request, _version, context) {
    const { cluster, clusterId } = context.services;
    const endpointType = request.endpointType ?? BROKER_ENDPOINTS;
    if (endpointType !== BROKER_ENDPOINTS) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: 'only broker endpoints can be described',
        endpointType,
        clusterId,
        controllerId: -1,
        brokers: [],
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType,
      clusterId,
      controllerId: cluster.controllerId(),
      clusterAuthorizedOperations: clusterAuthorizedOperations(
        context,
        request.includeClusterAuthorizedOperations === true,
      ),
      brokers: cluster.liveBrokers().flatMap((b) => {
        const address = brokerAddress(context, b);
        return address ? [{ brokerId: b.id, ...address, rack: b.rack }] : [];
      }),
    };
  },
};
