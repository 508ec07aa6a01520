import type { ConnectionInfo, FrameProcessor } from '../net/connection.js';
import { CloseConnectionError } from '../net/connection.js';
import { decodeMessage, isFlexibleVersion } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { decodeRequestHeader, encodeResponseFrame } from '../protocol/header.js';
import { ApiVersions } from '../protocol/messages/api-versions.js';
import type { Logger } from '../util/logger.js';
import type { Handler, RequestContext } from './handlers/handler.js';
import type { HandlerRegistry } from './handlers/registry.js';
import type { BrokerServices } from './services.js';

const API_VERSIONS_KEY = 18;

/**
 * Request header → handler → response frame. Anything that cannot be decoded, or an API key or
 * version we do not serve, closes that one connection (Kafka's behaviour); the exception is
 * ApiVersions, which answers UNSUPPORTED_VERSION in v0 layout so clients can downgrade (KIP-511).
 */
export class RequestPipeline implements FrameProcessor {
  constructor(
    private readonly registry: HandlerRegistry,
    private readonly services: BrokerServices,
    private readonly logger: Logger,
  ) {}

  process(frame: Buffer, connection: ConnectionInfo): Promise<Buffer | null> | Buffer | null {
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
    const result = handler.handle(body, apiVersion, context);
    if (result instanceof Promise) {
      return result.then((response) => this.encode(handler, apiVersion, header.correlationId, response));
    }
    return this.encode(handler, apiVersion, header.correlationId, result);
  }

  private encode(handler: Handler, version: number, correlationId: number, response: unknown): Buffer | null {
    if (response === undefined) return null;
    return encodeResponseFrame(handler.api.response, version, correlationId, response as object);
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
