import type { VerifiedBy } from './password-verifier.js';

/** Who an admin HTTP request acts as. */
export interface HttpIdentity {
  /** `User:<name>` of a verified Basic login, else `User:ANONYMOUS`. */
  readonly principal: string;
  /** The verified login, so the REST client can connect to the broker as the same user. */
  readonly login?: { readonly user: string; readonly password: string; readonly by: VerifiedBy };
}
