/**
 * SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer: `authzid NUL user NUL password`, the password
 * compared in constant time. Kafka's failure messages are kept (clients show them).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationError, type SaslServer, type SaslStep } from './sasl-server.js';

/** Resolves true when `password` is `user`'s; must compare in constant time. */
export type PlainPasswordCheck = (user: string, password: string) => boolean | Promise<boolean>;

/** Constant-time equality of two passwords of any lengths (compares fixed-size digests). */
export function passwordsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  private done = false;

  constructor(private readonly check: PlainPasswordCheck) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    if (this.done) throw new SaslAuthenticationError('Authentication failed: PLAIN takes one message');
    this.done = true;
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) {
      throw new SaslAuthenticationError(
        `Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}`,
      );
    }
    const [authzid, user, password] = parts as [string, string, string];
    if (user === '') throw new SaslAuthenticationError('Authentication failed: username not specified');
    if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified');
    if (!(await this.check(user, password))) {
      throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
    }
    if (authzid !== '' && authzid !== user) {
      throw new SaslAuthenticationError(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    return { response: Buffer.alloc(0), complete: true, user };
  }
}
