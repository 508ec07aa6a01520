/**
 * SASL/OAUTHBEARER (RFC 7628) with a pluggable token validator. The default validator is Kafka's
 * unsecured one (OAuthBearerUnsecuredValidatorCallbackHandler), for development: a JWS with
 * `alg: none` and no signature, the principal in `sub`, a required `exp`, optional `iat`, and the
 * required scopes in `scope`. Its options come from the listener's OAUTHBEARER JAAS entry.
 */
import { continueWith, SaslAuthenticationError, type SaslServer, type SaslStep } from './sasl-server.js';

export interface ValidatedToken {
  readonly principal: string;
  readonly expiresAtMs: number;
  readonly scopes: readonly string[];
}

/** An invalid token; `status` is RFC 6750's error code sent back to the client. */
export class TokenValidationError extends Error {
  constructor(
    readonly status: 'invalid_token' | 'insufficient_scope' | 'invalid_request',
    message: string,
    readonly scope?: string,
  ) {
    super(message);
  }
}

export interface OAuthBearerValidator {
  validate(token: string, nowMs: number): ValidatedToken | Promise<ValidatedToken>;
}

export interface UnsecuredValidatorOptions {
  readonly principalClaimName?: string;
  readonly scopeClaimName?: string;
  readonly requiredScope?: readonly string[];
  readonly allowableClockSkewMs?: number;
}

/** The options of Kafka's unsecured validator from JAAS options (`unsecuredValidator...`). */
export function unsecuredValidatorOptions(options: ReadonlyMap<string, string>): UnsecuredValidatorOptions {
  const scope = options.get('unsecuredValidatorRequiredScope');
  const skew = options.get('unsecuredValidatorAllowableClockSkewMs');
  return {
    principalClaimName: options.get('unsecuredValidatorPrincipalClaimName'),
    scopeClaimName: options.get('unsecuredValidatorScopeClaimName'),
    requiredScope: scope ? scope.split(/[\s,]+/).filter((s) => s !== '') : [],
    allowableClockSkewMs: skew === undefined ? undefined : Number(skew),
  };
}

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new TokenValidationError('invalid_token', `the token's ${what} is not a base64url JSON object`);
}

export class UnsecuredJwsValidator implements OAuthBearerValidator {
  constructor(private readonly options: UnsecuredValidatorOptions = {}) {}

  validate(token: string, nowMs: number): ValidatedToken {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[2] !== '') {
      throw new TokenValidationError('invalid_token', 'an unsecured JWS has three parts and no signature');
    }
    const header = decodePart(parts[0]!, 'header');
    if (header.alg !== 'none') throw new TokenValidationError('invalid_token', 'the token alg must be none');
    const claims = decodePart(parts[1]!, 'payload');
    const skew = this.options.allowableClockSkewMs ?? 0;
    const principalClaim = this.options.principalClaimName ?? 'sub';
    const principal = claims[principalClaim];
    if (typeof principal !== 'string' || principal.trim() === '') {
      throw new TokenValidationError('invalid_token', `the token has no '${principalClaim}' claim`);
    }
    const exp = claims.exp;
    if (typeof exp !== 'number')
      throw new TokenValidationError('invalid_token', "the token has no 'exp' claim");
    const expiresAtMs = Math.round(exp * 1000);
    if (nowMs - skew >= expiresAtMs) throw new TokenValidationError('invalid_token', 'the token has expired');
    const iat = claims.iat;
    if (iat !== undefined) {
      if (typeof iat !== 'number') throw new TokenValidationError('invalid_token', "'iat' is not a number");
      if (iat * 1000 > nowMs + skew)
        throw new TokenValidationError('invalid_token', 'the token is issued in the future');
    }
    const scopeClaim = claims[this.options.scopeClaimName ?? 'scope'];
    const scopes =
      typeof scopeClaim === 'string'
        ? scopeClaim.split(' ').filter((s) => s !== '')
        : Array.isArray(scopeClaim)
          ? scopeClaim.filter((s): s is string => typeof s === 'string')
          : [];
    const required = this.options.requiredScope ?? [];
    const missing = required.filter((s) => !scopes.includes(s));
    if (missing.length > 0) {
      throw new TokenValidationError(
        'insufficient_scope',
        `the token lacks the required scope ${missing.join(' ')}`,
        required.join(' '),
      );
    }
    return { principal, expiresAtMs, scopes };
  }
}

const KVSEP = '\x01';
/** RFC 7628 client-first: gs2 header, then key=value pairs each ended by %x01, then %x01. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 7628 separates its fields with %x01.
const CLIENT_FIRST = /^([ny]),(?:a=([^,]*))?,\x01((?:[A-Za-z]+=[\x21-\x7E \t\r\n]*\x01)*)\x01$/;

/**
 * One OAUTHBEARER exchange. A bad token is answered with RFC 7628's error challenge
 * (`{"status":"invalid_token"}`); the client then sends a lone %x01 and the exchange fails.
 */
export class OAuthBearerServer implements SaslServer {
  readonly mechanism = 'OAUTHBEARER';
  private failure: string | undefined;
  private done = false;

  constructor(
    private readonly validator: OAuthBearerValidator,
    private readonly now: () => number,
  ) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    const message = token.toString('utf8');
    if (this.failure !== undefined) {
      this.done = true;
      throw new SaslAuthenticationError(this.failure);
    }
    if (this.done) throw new SaslAuthenticationError('Authentication failed: OAUTHBEARER exchange is over');
    const m = CLIENT_FIRST.exec(message);
    if (!m) {
      this.done = true;
      throw new SaslAuthenticationError('Authentication failed: invalid OAUTHBEARER client first message');
    }
    const pairs = new Map<string, string>();
    for (const kv of m[3]!.split(KVSEP)) {
      const eq = kv.indexOf('=');
      if (eq > 0) pairs.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    const auth = /^Bearer +(\S+)\s*$/i.exec(pairs.get('auth') ?? '');
    if (!auth) {
      this.done = true;
      throw new SaslAuthenticationError('Authentication failed: no Bearer token in the auth value');
    }
    let validated: ValidatedToken;
    try {
      validated = await this.validator.validate(auth[1]!, this.now());
    } catch (error) {
      if (!(error instanceof TokenValidationError)) throw error;
      const scope = error.scope ? `,"scope":${JSON.stringify(error.scope)}` : '';
      const challenge = `{"status":"${error.status}"${scope}}`;
      this.failure = `Authentication failed: ${error.message}`;
      return continueWith(Buffer.from(challenge, 'utf8'));
    }
    this.done = true;
    const authzid = m[2];
    if (authzid !== undefined && authzid !== '' && authzid !== validated.principal) {
      throw new SaslAuthenticationError(
        `Authentication failed: Client requested an authorization id (${authzid}) that is different from the token's principal name (${validated.principal})`,
      );
    }
    return {
      response: Buffer.alloc(0),
      complete: true,
      user: validated.principal,
      credentialExpiresAtMs: validated.expiresAtMs,
    };
  }
}
