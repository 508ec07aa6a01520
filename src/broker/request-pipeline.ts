import { performance } from 'node:perf_hooks';
import type { ConnectionInfo, FrameProcessor, ResponseFrame } from '../net/connection.js';
import { CloseConnectionError, responseFrameBytes } from '../net/connection.js';
import { decodeMessage, isFlexibleVersion } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { decodeRequestHeader, encodeResponseChunks, encodeResponseFrame } from '../protocol/header.js';
import { ApiVersions } from '../protocol/messages/api-versions.js';
import type { Logger } from '../util/logger.js';
import type { Handler, RequestContext } from './handlers/handler.js';
import type { HandlerRegistry } from './handlers/registry.js';
import { RequestQuotas } from './request-quotas.js';
import type { BrokerServices } from './services.js';

const API_VERSIONS_KEY = 18;

/**
 * Request header → handler → response frame. Anything that cannot be decoded, or an API key or
 * version we do not serve, closes that one connection (Kafka's behaviour); the exception is
 * ApiVersions, which answers UNSUPPORTED_VERSION in v0 layout so clients can downgrade (KIP-511).
 */
export class RequestPipeline implements FrameProcessor {
  private readonly quotas: RequestQuotas | undefined;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly services: BrokerServices,
    private readonly logger: Logger,
  ) {
    const { quotas, clock } = services;
    this.quotas = quotas ? new RequestQuotas(quotas, () => clock.monotonicMs()) : undefined;
  }

  process(frame: Buffer, connection: ConnectionInfo): Promise<ResponseFrame | null> | ResponseFrame | null {
    if (frame.length < 8) throw new CloseConnectionError(`request of ${frame.length} bytes is too short`);
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const handler = this.registry.get(apiKey);
    if (!handler) throw new CloseConnectionError(`unknown api key ${apiKey}`);
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) return this.unsupportedApiVersions(frame.readInt32BE(4));
      throw new CloseConnectionError(
        `unsupported version ${apiVersion} of ${handler.api.name} (supported ${handler.minVersion}-${handler.maxVersion})`,
      );
    }
    let header: RequestContext['header'];
    let body: unknown;
    try {
      const decoded = decodeRequestHeader(frame, (key, version) => {
        const spec = this.registry.get(key)?.api.request;
        return spec ? isFlexibleVersion(spec, version) : false;
      });
      header = decoded.header;
      body = decodeMessage(handler.api.request, apiVersion, frame, decoded.bodyOffset).value;
    } catch (err) {
      throw new CloseConnectionError(
        `undecodable ${handler.api.name} v${apiVersion} request: ${(err as Error).message}`,
      );
    }
    const context: RequestContext = {
      header,
      connectionId: connection.id,
      clientAddress: connection.clientAddress,
      principal: connection.session.principal,
      listenerName: connection.session.listenerName,
      session: connection.session,
      services: this.services,
      logger: this.logger,
    };
    const quotas = this.quotas?.enabled ? this.quotas : undefined;
    if (quotas)
      return this.processWithQuotas(quotas, handler, body, apiVersion, context, frame.length, connection);
    // Local time is the handler's own work; remote time is what it then waited for (long polls,
    // coordinator writes), as Kafka's RequestMetrics split them.
    const metrics = this.services.metrics;
    const started = metrics ? performance.now() : 0;
    let result: ReturnType<Handler['handle']>;
    try {
      result = handler.handle(body, apiVersion, context);
    } catch (error) {
      metrics?.requestFailed(handler.api.name);
      throw error;
    }
    const handled = metrics ? performance.now() : 0;
    const done = (response: unknown) => {
      metrics?.requestCompleted(handler.api.name, apiVersion, handled - started, performance.now() - handled);
      return this.encode(handler, apiVersion, header.correlationId, response);
    };
    if (result instanceof Promise) {
      return result.then(done, (error) => {
        metrics?.requestFailed(handler.api.name);
        throw error;
      });
    }
    return done(result);
  }

  /**
   * The request measured against the client's quotas. Over quota, the response carries the
   * throttle time and the connection is muted for it (KIP-219); clients too old to throttle
   * themselves also get their response held back that long, as Kafka does.
   */
  private processWithQuotas(
    quotas: RequestQuotas,
    handler: Handler,
    body: unknown,
    version: number,
    context: RequestContext,
    requestBytes: number,
    connection: ConnectionInfo,
  ): Promise<ResponseFrame | null> | ResponseFrame | null {
    quotas.limitRequest(handler.api.apiKey, body, context);
    const metrics = this.services.metrics;
    const started = process.hrtime.bigint();
    const result = handler.handle(body, version, context);
    const syncNanos = Number(process.hrtime.bigint() - started);
    const finish = (response: unknown): Promise<ResponseFrame | null> | ResponseFrame | null => {
      metrics?.requestCompleted(
        handler.api.name,
        version,
        syncNanos / 1e6,
        Number(process.hrtime.bigint() - started) / 1e6 - syncNanos / 1e6,
      );
      const encodeStarted = process.hrtime.bigint();
      const correlationId = context.header.correlationId;
      let frame = this.encode(handler, version, correlationId, response);
      const throttleMs = quotas.record(
        {
          apiKey: handler.api.apiKey,
          requestBytes,
          responseBytes: frame ? responseFrameBytes(frame) : 0,
          handlerNanos: syncNanos + Number(process.hrtime.bigint() - encodeStarted),
        },
        body,
        context,
      );
      if (throttleMs <= 0) return frame;
      if (frame && typeof response === 'object' && response !== null && 'throttleTimeMs' in response) {
        frame = this.encode(handler, version, correlationId, { ...response, throttleTimeMs: throttleMs });
      }
      connection.throttle?.(throttleMs);
      if (!frame || quotas.clientThrottles(handler.api.apiKey, version)) return frame;
      const held = frame;
      return new Promise((resolve) => setTimeout(() => resolve(held), throttleMs));
    };
    return result instanceof Promise ? result.then(finish) : finish(result);
  }

  private encode(
    handler: Handler,
    version: number,
    correlationId: number,
    response: unknown,
  ): ResponseFrame | null {
    if (response === undefined) return null;
    return encodeResponseChunks(handler.api.response, version, correlationId, response as object);
  }

  /** The v0 body with error 35 and ApiVersions' own range, which every client can parse. */
  private unsupportedApiVersions(correlationId: number): Buffer {
    const handler = this.registry.get(API_VERSIONS_KEY)!;
    return encodeResponseFrame(ApiVersions.response, 0, correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: API_VERSIONS_KEY, minVersion: handler.minVersion, maxVersion: handler.maxVersion }],
    });
  }
}
