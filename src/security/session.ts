/**
 * What one connection's security amounts to: the listener it came in on, the principal (from the
 * TLS client certificate, then from SASL) and, on a SASL listener, its authenticator. Handlers see it
 * through the request context; the authentication gate consults it for every frame.
 */
import type { SecurityProtocol } from '../net/listener-config.js';
import { ANONYMOUS, userPrincipal } from './principal.js';
import type { SaslAuthenticator } from './sasl/authenticator.js';

export class SecuritySession {
  private tlsPrincipal: string;

  constructor(
    readonly listenerName: string,
    readonly securityProtocol: SecurityProtocol,
    /** Present on SASL_PLAINTEXT and SASL_SSL listeners. */
    readonly sasl?: SaslAuthenticator,
    tlsPrincipal: string = ANONYMOUS,
  ) {
    this.tlsPrincipal = tlsPrincipal;
  }

  /** Requests other than the handshake itself may be served. */
  get authenticated(): boolean {
    return !this.sasl || this.sasl.hasAuthenticated;
  }

  /** `User:<name>` of the SASL user, else of the client certificate, else `User:ANONYMOUS`. */
  get principal(): string {
    const user = this.sasl?.authenticatedUser;
    return user !== undefined ? userPrincipal(user) : this.tlsPrincipal;
  }

  /** A session with no authentication: a PLAINTEXT listener, or embedded uses. */
  static plaintext(listenerName = 'PLAINTEXT'): SecuritySession {
    return new SecuritySession(listenerName, 'PLAINTEXT');
  }
}
