import { ErrorCode } from '../../protocol/errors.js';
import { SaslAuthenticate } from '../../protocol/messages/sasl-authenticate.js';
import { SaslHandshake } from '../../protocol/messages/sasl-handshake.js';
import { SaslAuthenticationError } from '../../security/sasl/sasl-server.js';
import type { Handler } from './handler.js';

const EMPTY = Buffer.alloc(0);

/**
 * SaslHandshake v0-1: picks the mechanism (v0: raw tokens follow; v1: SaslAuthenticate requests).
 * An unknown mechanism answers UNSUPPORTED_SASL_MECHANISM with the enabled ones, and the connection
 * is then closed. On a listener without SASL the answer is ILLEGAL_SASL_STATE, as Kafka's.
 */
export const saslHandshakeHandler: Handler = {
  api: SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle(request: { mechanism: string }, version, context) {
    const sasl = context.session.sasl;
    if (!sasl) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    const outcome = sasl.handshake(request.mechanism, version);
    if (!outcome.ok) {
      context.logger.info(
        { connection: context.connectionId, mechanism: request.mechanism, reason: outcome.message },
        'SASL handshake refused',
      );
    }
    return {
      errorCode: outcome.ok ? ErrorCode.NONE : ErrorCode[outcome.error],
      mechanisms: outcome.mechanisms,
    };
  },
};

/**
 * SaslAuthenticate v0-2: one token of the exchange. A failure answers SASL_AUTHENTICATION_FAILED
 * with the reason, then the connection is closed. v1+ carries the session lifetime (KIP-368).
 */
export const saslAuthenticateHandler: Handler = {
  api: SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  async handle(request: { authBytes: Buffer }, _version, context) {
    const sasl = context.session.sasl;
    if (sasl?.stage !== 'authenticate') {
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate request received without a SaslHandshake before it',
        authBytes: EMPTY,
        sessionLifetimeMs: 0n,
      };
    }
    try {
      const outcome = await sasl.authenticate(request.authBytes);
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        authBytes: outcome.response,
        sessionLifetimeMs: BigInt(outcome.sessionLifetimeMs),
      };
    } catch (error) {
      if (!(error instanceof SaslAuthenticationError)) throw error;
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: error.message,
        authBytes: EMPTY,
        sessionLifetimeMs: 0n,
      };
    }
  },
};
