import { ErrorCode } from '../../protocol/errors.js';
import { AlterConfigs } from '../../protocol/messages/alter-configs.js';
import { IncrementalAlterConfigs } from '../../protocol/messages/incremental-alter-configs.js';
import { InvalidConfigError, SamsaError, UnknownTopicOrPartitionError } from '../../util/errors.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';
import { ResourceType } from './resource-type.js';

/** IncrementalAlterConfigs operations (KIP-339). */
const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

interface Resource<C> {
  resourceType: number;
  resourceName: string;
  configs: C[];
}

/**
 * Both AlterConfigs flavours compute a topic's new override set and hand it to the registry, which
 * validates and persists it. Broker configs are static (file, env, flags) and cannot be altered.
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
    try {
      if (r.resourceType === ResourceType.BROKER) {
        throw new InvalidConfigError(
          'broker configs are static: set them in server.properties, env or flags',
        );
      }
      if (r.resourceType !== ResourceType.TOPIC) {
        throw new SamsaError('INVALID_REQUEST', `resource type ${r.resourceType} is not supported`);
      }
      const meta = topics.get(r.resourceName);
      if (!meta) throw new UnknownTopicOrPartitionError(`topic '${r.resourceName}' does not exist`);
      const next = nextConfigs({ ...meta.configs }, r.configs);
      if (validateOnly) topics.validateConfigs(r.resourceName, next);
      else await topics.setConfigs(r.resourceName, next);
      responses.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (error) {
      responses.push({ ...base, errorCode: errorCodeFor(error), errorMessage: errorMessageFor(error) });
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
      const next: Record<string, string> = {};
      for (const c of changes) if (c.value !== null) next[c.name] = c.value;
      return next;
    });
  },
};

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
      for (const c of changes) {
        const list = (current[c.name] ?? '').split(',').filter((s) => s !== '');
        const values = (c.value ?? '').split(',').filter((s) => s !== '');
        switch (c.configOperation) {
          case OpType.SET:
            if (c.value === null) throw new InvalidConfigError(`null value for ${c.name}`);
            current[c.name] = c.value;
            break;
          case OpType.DELETE:
            delete current[c.name];
            break;
          case OpType.APPEND:
            current[c.name] = [...list, ...values.filter((v) => !list.includes(v))].join(',');
            break;
          case OpType.SUBTRACT:
            current[c.name] = list.filter((v) => !values.includes(v)).join(',');
            break;
          default:
            throw new SamsaError('INVALID_REQUEST', `unknown config operation ${c.configOperation}`);
        }
      }
      return current;
    });
  },
};
