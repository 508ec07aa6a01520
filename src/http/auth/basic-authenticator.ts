/**
 * HTTP Basic authentication (RFC 7617) for the admin port, as REST Proxy's
 * `authentication.method=BASIC`: a missing or wrong login gets 401 with
 * `WWW-Authenticate: Basic realm="..."` and REST Proxy's JSON error. Verified logins are cached
 * (see PasswordVerifier); failures are throttled per client address (see LoginThrottle).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { userPrincipal } from '../../security/principal.js';
import { HttpError } from '../http-response.js';
import type { HttpIdentity } from './identity.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordVerifier } from './password-verifier.js';

export class BasicAuthenticator {
  constructor(
    private readonly verifier: PasswordVerifier,
    private readonly throttle: LoginThrottle,
    private readonly realm: string,
  ) {}

  async authenticate(headers: IncomingHttpHeaders, clientAddress: string): Promise<HttpIdentity> {
    const login = basicCredentials(headers.authorization);
    if (!login) throw this.unauthorized();
    const { user, password } = login;
    let verified = this.verifier.cached(user, password);
    // A cached login costs nothing, so only the ones that need a check are throttled.
    if (!verified) {
      this.throttle.admit(clientAddress);
      try {
        verified = await this.throttle.check(() => this.verifier.verify(user, password));
      } catch (error) {
        // Not checked (the queue was full): the attempt does not count against the address.
        this.throttle.succeeded(clientAddress);
        throw error;
      }
      if (!verified) throw this.unauthorized();
      this.throttle.succeeded(clientAddress);
    }
    return { principal: userPrincipal(user), login: { user, password, by: verified.by } };
  }

  private unauthorized(): HttpError {
    const realm = this.realm.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
    return new HttpError(401, 'Unauthorized', 401, {
      'www-authenticate': `Basic realm="${realm}"`,
    });
  }
}

/** User and password of an `Authorization: Basic` header, or undefined when absent or malformed. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
