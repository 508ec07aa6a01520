/**
 * Stands between a connection and the request pipeline on every listener. Until a SASL client has
 * authenticated, only ApiVersions and SaslHandshake (then SaslAuthenticate, or the raw tokens a v0
 * handshake announced) get through; anything else closes the connection, as Kafka's authenticator
 * does. An expired session (KIP-368) is closed at its next request unless it re-authenticates. A
 * failed login is answered, then the connection is closed.
 */
import {
  CloseConnectionError,
  type ConnectionInfo,
  type FrameProcessor,
  type ResponseFrame,
} from '../net/connection.js';
import type { Logger } from '../util/logger.js';
import { SaslAuthenticationError } from './sasl/sasl-server.js';

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

type Result = Promise<ResponseFrame | null> | ResponseFrame | null;

export class AuthenticationGate implements FrameProcessor {
  constructor(
    private readonly inner: FrameProcessor,
    /** socket.request.max.bytes, restored once a client has authenticated. */
    private readonly maxFrameBytes: number,
    private readonly logger: Logger,
  ) {}

  process(frame: Buffer, connection: ConnectionInfo): Result {
    const sasl = connection.session.sasl;
    if (!sasl) return this.inner.process(frame, connection);
    const stage = sasl.stage;
    const apiKey = frame.length >= 2 ? frame.readInt16BE(0) : -1;
    const reauthenticating = apiKey === SASL_HANDSHAKE || apiKey === SASL_AUTHENTICATE;
    if (stage === 'complete' && !reauthenticating && !sasl.expired())
      return this.inner.process(frame, connection);
    if (stage === 'authenticate' && sasl.rawTokens) return this.rawToken(frame, connection);
    if (stage === 'failed') throw new CloseConnectionError('request after a failed SASL authentication');
    const allowed =
      stage === 'complete'
        ? reauthenticating
        : stage === 'handshake'
          ? apiKey === API_VERSIONS || apiKey === SASL_HANDSHAKE
          : apiKey === SASL_AUTHENTICATE;
    if (!allowed) {
      throw new CloseConnectionError(
        stage === 'complete'
          ? `SASL session expired (connections.max.reauth.ms) and request ${apiKey} is not a re-authentication`
          : `request with api key ${apiKey} before SASL authentication (state ${stage})`,
      );
    }
    return this.afterwards(this.inner.process(frame, connection), connection);
  }

  /** After a v0 SaslHandshake: the frame is the mechanism's token, answered size-prefixed. */
  private async rawToken(token: Buffer, connection: ConnectionInfo): Promise<Buffer | null> {
    const sasl = connection.session.sasl!;
    try {
      const outcome = await sasl.authenticate(token);
      if (outcome.complete) this.authenticated(connection);
      const framed = Buffer.allocUnsafe(4 + outcome.response.length);
      framed.writeInt32BE(outcome.response.length, 0);
      outcome.response.copy(framed, 4);
      return framed;
    } catch (error) {
      if (!(error instanceof SaslAuthenticationError)) throw error;
      // Kafka closes a v0 client's connection without an answer.
      throw new CloseConnectionError(`SASL authentication failed: ${error.message}`);
    }
  }

  private afterwards(result: Result, connection: ConnectionInfo): Result {
    const check = (response: ResponseFrame | null) => {
      const sasl = connection.session.sasl!;
      if (sasl.stage === 'failed') {
        this.logger.info(
          {
            connection: connection.id,
            client: connection.clientAddress,
            listener: connection.session.listenerName,
          },
          'SASL authentication failed; closing the connection after the answer',
        );
        connection.closeAfterResponses();
      } else if (sasl.stage === 'complete') {
        this.authenticated(connection);
      }
      return response;
    };
    return result instanceof Promise ? result.then(check) : check(result);
  }

  private authenticated(connection: ConnectionInfo): void {
    connection.limitFrames(this.maxFrameBytes);
  }
}
