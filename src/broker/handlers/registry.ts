import type { Handler } from './handler.js';

/**
 * The single list of APIs this broker serves. ApiVersions is built from it, so what is advertised
 * cannot drift from what is implemented.
 */
export class HandlerRegistry {
  private readonly byKey = new Map<number, Handler>();

  constructor(handlers: readonly Handler[]) {
    for (const h of handlers) {
      if (this.byKey.has(h.api.apiKey)) throw new Error(`two handlers for ${h.api.name}`);
      this.byKey.set(h.api.apiKey, h);
    }
  }

  get(apiKey: number): Handler | undefined {
    return this.byKey.get(apiKey);
  }

  /** Every served API with its implemented version range, by api key. */
  supported(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.byKey.values()]
      .map((h) => ({ apiKey: h.api.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
