import { ApiVersions } from '../../protocol/messages/api-versions.js';
import type { Handler } from './handler.js';

/**
 * ApiVersions lists what the registry serves. v0 answers must stay parseable by kafka-python
 * 2.0.2, which infers the broker version from the listed ranges (PROTOCOL-NOTES.md §2.2).
 */
export function createApiVersionsHandler(
  supported: () => { apiKey: number; minVersion: number; maxVersion: number }[],
): Handler {
  return {
    api: ApiVersions,
    minVersion: 0,
    maxVersion: 3,
    handle: () => ({ errorCode: 0, apiKeys: supported(), throttleTimeMs: 0 }),
  };
}
