import type { RequestHeader } from '../../protocol/header.js';
import type { ApiSpec } from '../../protocol/schema/types.js';
import type { SecuritySession } from '../../security/session.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerServices } from '../services.js';

/** What a handler knows about the request beyond its body. */
export interface RequestContext {
  readonly header: RequestHeader;
  /** Stable id of the client connection (for logs and per-connection state). */
  readonly connectionId: string;
  /** `host:port` of the client. */
  readonly clientAddress: string;
  /** The authenticated principal (`User:ANONYMOUS` on a PLAINTEXT listener). */
  readonly principal: string;
  /** The listener the request came in on (its endpoint is what Metadata advertises to this client). */
  readonly listenerName: string;
  /** The connection's security state (SaslHandshake and SaslAuthenticate drive its authenticator). */
  readonly session: SecuritySession;
  readonly services: BrokerServices;
  readonly logger: Logger;
}

/**
 * One Kafka API. A handler is the only place that knows both the protocol and a service: it takes
 * the decoded request body (plain object shaped by the API's schema) and returns the response body.
 * `minVersion`/`maxVersion` are what the handler really implements; ApiVersions is built from them.
 */
export interface Handler<Req = any, Res = any> {
  readonly api: ApiSpec;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Returns the response body, or `undefined` when no response is sent (Produce with acks=0). */
  handle(request: Req, version: number, context: RequestContext): Promise<Res | undefined> | Res | undefined;
}
