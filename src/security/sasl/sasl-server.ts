/** What every server-side SASL mechanism implements; one instance per authentication exchange. */
export interface SaslServer {
  readonly mechanism: string;
  /**
   * Takes the client's next token and returns the server's answer. Throws SaslAuthenticationError
   * when the client is not who it says (the message goes back to the client).
   */
  evaluate(token: Buffer): SaslStep | Promise<SaslStep>;
}

export interface SaslStep {
  readonly response: Buffer;
  /** True once the exchange is over; `user` is then the authenticated user name. */
  readonly complete: boolean;
  readonly user?: string;
  /** When the credential itself expires (an OAuth token's `exp`), in epoch ms. */
  readonly credentialExpiresAtMs?: number;
}

/** Authentication failed; `message` is safe to send to the client. */
export class SaslAuthenticationError extends Error {
  override readonly name = 'SaslAuthenticationError';
}

/** The message Kafka sends for bad credentials, which says nothing about whether the user exists. */
export function invalidCredentials(mechanism: string): SaslAuthenticationError {
  return new SaslAuthenticationError(
    `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`,
  );
}

export const continueWith = (response: Buffer): SaslStep => ({ response, complete: false });
