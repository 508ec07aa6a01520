/**
 * One connection's SASL state machine, as Kafka's SaslServerAuthenticator: ApiVersions and
 * SaslHandshake first, then the mechanism's tokens (in SaslAuthenticate requests after a v1
 * handshake, as raw size-prefixed frames after a v0 one), then requests. Once complete, a v1
 * handshake with the same mechanism re-authenticates (KIP-368); the session lifetime is
 * `connections.max.reauth.ms`, bounded by the credential's own expiry.
 */
import { SaslAuthenticationError, type SaslServer } from './sasl-server.js';

export type SaslStage = 'handshake' | 'authenticate' | 'complete' | 'failed';

export interface SaslListenerSettings {
  readonly enabledMechanisms: readonly string[];
  readonly createServer: (mechanism: string) => SaslServer;
  /** 0: sessions do not expire (unless the credential does). */
  readonly maxReauthMs: number;
  readonly now: () => number;
}

export type HandshakeOutcome =
  | { readonly ok: true; readonly mechanisms: readonly string[] }
  | {
      readonly ok: false;
      readonly error: 'UNSUPPORTED_SASL_MECHANISM' | 'ILLEGAL_SASL_STATE';
      readonly mechanisms: readonly string[];
      readonly message: string;
    };

export interface AuthenticateOutcome {
  readonly response: Buffer;
  readonly complete: boolean;
  /** For SaslAuthenticate v1+: how long the session lasts (0: no limit). */
  readonly sessionLifetimeMs: number;
}

export class SaslAuthenticator {
  private current: SaslStage = 'handshake';
  private server: SaslServer | undefined;
  private evaluating = false;
  private completedMechanism: string | undefined;
  private user: string | undefined;
  private expiresAtMs: number | undefined;
  /** True after a v0 handshake: tokens come as raw frames. */
  rawTokens = false;

  constructor(private readonly settings: SaslListenerSettings) {}

  get stage(): SaslStage {
    return this.current;
  }

  /** The authenticated user (kept through re-authentication). */
  get authenticatedUser(): string | undefined {
    return this.user;
  }

  /** True once authenticated at least once, including while re-authenticating. */
  get hasAuthenticated(): boolean {
    return this.completedMechanism !== undefined;
  }

  /** True when the session has outlived its lifetime and must re-authenticate before more requests. */
  expired(): boolean {
    return this.expiresAtMs !== undefined && this.settings.now() >= this.expiresAtMs;
  }

  get enabledMechanisms(): readonly string[] {
    return this.settings.enabledMechanisms;
  }

  handshake(mechanism: string, version: number): HandshakeOutcome {
    const mechanisms = this.settings.enabledMechanisms;
    const illegal = (message: string): HandshakeOutcome => {
      this.current = 'failed';
      return { ok: false, error: 'ILLEGAL_SASL_STATE', mechanisms, message };
    };
    if (this.current === 'complete') {
      // Re-authentication (KIP-368) is a v1 handshake for the mechanism first used.
      if (version < 1) return illegal('Re-authentication needs SaslHandshake v1 or later');
      if (mechanism !== this.completedMechanism) {
        return illegal(
          `SASL mechanism '${mechanism}' requested by client is not supported for re-authentication of mechanism '${this.completedMechanism}'`,
        );
      }
    } else if (this.current !== 'handshake') {
      return illegal(`Unexpected SaslHandshake in SASL state ${this.current}`);
    }
    if (!mechanisms.includes(mechanism)) {
      this.current = 'failed';
      return {
        ok: false,
        error: 'UNSUPPORTED_SASL_MECHANISM',
        mechanisms,
        message: `Unsupported SASL mechanism ${mechanism}`,
      };
    }
    this.server = this.settings.createServer(mechanism);
    this.rawTokens = version === 0;
    this.current = 'authenticate';
    return { ok: true, mechanisms };
  }

  /** Evaluates one client token; throws SaslAuthenticationError (and the stage becomes failed). */
  async authenticate(token: Buffer): Promise<AuthenticateOutcome> {
    const server = this.server;
    if (this.current !== 'authenticate' || !server || this.evaluating) {
      this.current = 'failed';
      throw new SaslAuthenticationError(`Unexpected SASL token in SASL state ${this.current}`);
    }
    this.evaluating = true;
    try {
      const step = await server.evaluate(token);
      if (!step.complete) return { response: step.response, complete: false, sessionLifetimeMs: 0 };
      if (this.user !== undefined && step.user !== this.user) {
        throw new SaslAuthenticationError(
          `Cannot change principals during re-authentication from User.${this.user}: User.${step.user}`,
        );
      }
      this.user = step.user;
      this.completedMechanism = server.mechanism;
      this.server = undefined;
      this.current = 'complete';
      const lifetime = this.sessionLifetime(step.credentialExpiresAtMs);
      this.expiresAtMs = lifetime === undefined ? undefined : this.settings.now() + lifetime;
      return { response: step.response, complete: true, sessionLifetimeMs: lifetime ?? 0 };
    } catch (error) {
      this.current = 'failed';
      throw error;
    } finally {
      this.evaluating = false;
    }
  }

  /** Kafka's calcCompletionTimesAndReturnSessionLifetimeMs. */
  private sessionLifetime(credentialExpiresAtMs: number | undefined): number | undefined {
    const max = this.settings.maxReauthMs > 0 ? this.settings.maxReauthMs : undefined;
    if (credentialExpiresAtMs === undefined) return max;
    const untilExpiry = Math.max(0, credentialExpiresAtMs - this.settings.now());
    return max === undefined ? untilExpiry : Math.min(untilExpiry, max);
  }
}
