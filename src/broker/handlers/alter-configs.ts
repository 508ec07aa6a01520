import { ErrorCode } from '../../protocol/errors.js';
import { AlterConfigs } from '../../protocol/messages/alter-configs.js';
import { IncrementalAlterConfigs } from '../../protocol/messages/incremental-alter-configs.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { ConfigDefError } from '../../storage/config-def.js';
import { topicConfigDef } from '../../storage/topic-config-defs.js';
import { InvalidConfigError, SamsaError, UnknownTopicOrPartitionError } from '../../util/errors.js';
import { configResourceRefusal } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';
import { ResourceType } from './resource-type.js';

/** IncrementalAlterConfigs operations (KIP-339). */
const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

interface Resource<C> {
  resourceType: number;
  resourceName: string;
  configs: C[];
}

const RESOURCE_TYPE_NAMES: Record<number, string> = { 2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER' };

/**
 * Both AlterConfigs flavours compute a topic's new override set and hand it to the registry, which
 * validates and persists it. Broker configs are static (file, env, flags) and cannot be altered.
 * Errors are ZkAdminManager's: a value Kafka's ConfigDef refuses answers INVALID_REQUEST,
 * prefixed with the resource; an unknown name INVALID_CONFIG. As Kafka, a resource needs
 * AlterConfigs on the topic, or on the cluster for a broker's configs.
 */
async function alterResources<C>(
  resources: Resource<C>[],
  validateOnly: boolean,
  context: RequestContext,
  nextConfigs: (current: Record<string, string>, changes: C[]) => Record<string, string>,
) {
  const { topics } = context.services;
  const responses = [];
  for (const r of resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    const refused = configResourceRefusal(
      context,
      AclOperation.ALTER_CONFIGS,
      r.resourceType,
      r.resourceName,
    );
    if (refused !== undefined) {
      responses.push({ ...base, errorCode: refused, errorMessage: null });
      continue;
    }
    try {
      if (r.resourceType === ResourceType.BROKER) {
        throw new InvalidConfigError(
          'broker configs are static: set them in server.properties, env or flags',
        );
      }
      if (r.resourceType !== ResourceType.TOPIC) {
        throw new SamsaError(
          'INVALID_REQUEST',
          `AlterConfigs is only supported for topics and brokers, but resource type is ${RESOURCE_TYPE_NAMES[r.resourceType] ?? 'UNKNOWN'}`,
        );
      }
      const meta = topics.get(r.resourceName);
      if (!meta) throw new UnknownTopicOrPartitionError(`The topic '${r.resourceName}' does not exist.`);
      const next = nextConfigs({ ...meta.configs }, r.configs);
      if (validateOnly) topics.validateConfigs(r.resourceName, next);
      else await topics.setConfigs(r.resourceName, next);
      responses.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (error) {
      const answered =
        error instanceof ConfigDefError
          ? new SamsaError(
              'INVALID_REQUEST',
              `Invalid config value for resource ConfigResource(type=TOPIC, name='${r.resourceName}'): ${error.message}`,
            )
          : error;
      responses.push({ ...base, errorCode: errorCodeFor(answered), errorMessage: errorMessageFor(answered) });
    }
  }
  return { throttleTimeMs: 0, responses };
}

/** AlterConfigs replaces the whole override set with the one given. */
export const alterConfigsHandler: Handler<{
  resources: Resource<{ name: string; value: string | null }>[];
  validateOnly: boolean;
}> = {
  api: AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle(request, _version, context) {
    return alterResources(request.resources, request.validateOnly, context, (_current, changes) => {
      const nulls = changes.filter((c) => c.value === null).map((c) => c.name);
      if (nulls.length > 0) {
        throw new SamsaError('INVALID_REQUEST', `Null value not supported for : ${nulls.join(',')}`);
      }
      return Object.fromEntries(changes.map((c) => [c.name, c.value!]));
    });
  },
};

/** A list config's items as Kafka's prepareIncrementalConfigs reads them (the default when unset). */
function currentList(current: Record<string, string>, name: string, op: 'append' | 'subtract'): string[] {
  const def = topicConfigDef(name);
  if (def === undefined) throw new InvalidConfigError(`Unknown topic config name: ${name}`);
  if (def.type !== 'list') {
    throw new SamsaError('INVALID_REQUEST', `Config value ${op} is not allowed for config key: ${name}`);
  }
  return (current[name] ?? def.default).split(',').filter((s) => s !== '');
}

/** IncrementalAlterConfigs applies SET/DELETE/APPEND/SUBTRACT to the current overrides. */
export const incrementalAlterConfigsHandler: Handler<{
  resources: Resource<{ name: string; configOperation: number; value: string | null }>[];
  validateOnly: boolean;
}> = {
  api: IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle(request, _version, context) {
    return alterResources(request.resources, request.validateOnly, context, (current, changes) => {
      const seen = new Set<string>();
      const duplicates = new Set(changes.map((c) => c.name).filter((n) => seen.has(n) || !seen.add(n)));
      if (duplicates.size > 0) {
        throw new SamsaError(
          'INVALID_REQUEST',
          `Error due to duplicate config keys : ${[...duplicates].join(',')}`,
        );
      }
      const nulls = changes
        .filter((c) => c.value === null && c.configOperation !== OpType.DELETE)
        .map((c) => `${OP_NAMES[c.configOperation] ?? c.configOperation}:${c.name}`);
      if (nulls.length > 0) {
        throw new SamsaError('INVALID_REQUEST', `Null value not supported for : ${nulls.join(',')}`);
      }
      for (const c of changes) {
        const values = (c.value ?? '').split(',');
        switch (c.configOperation) {
          case OpType.SET:
            current[c.name] = c.value!;
            break;
          case OpType.DELETE:
            delete current[c.name];
            break;
          case OpType.APPEND: {
            const list = currentList(current, c.name, 'append');
            current[c.name] = [...list, ...values.filter((v) => !list.includes(v))].join(',');
            break;
          }
          case OpType.SUBTRACT: {
            const list = currentList(current, c.name, 'subtract');
            current[c.name] = list.filter((v) => !values.includes(v)).join(',');
            break;
          }
          default:
            throw new SamsaError('INVALID_REQUEST', `unknown config operation ${c.configOperation}`);
        }
      }
      return current;
    });
  },
};
