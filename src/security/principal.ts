/**
 * Principals as Kafka names them (`User:alice`), and the TLS client certificate's subject as
 * Kafka's default principal builder turns it into a user name: the distinguished name in RFC 2253
 * form (Java's `X500Principal.getName()`), rewritten by `ssl.principal.mapping.rules`.
 */
import type { X509Certificate } from 'node:crypto';
import { InvalidConfigError } from '../util/errors.js';

export const USER_TYPE = 'User';
export const ANONYMOUS = `${USER_TYPE}:ANONYMOUS`;

export function userPrincipal(name: string): string {
  return `${USER_TYPE}:${name}`;
}

/** Attribute names Java prints by keyword; others print as OID=#hex (only emailAddress is common). */
const EMAIL_OID = '1.2.840.113549.1.9.1';

/**
 * The subject in RFC 2253 order (most specific first), from Node's one-attribute-per-line subject
 * (encoding order, values already escaped per RFC 2253).
 */
export function rfc2253Subject(certificate: X509Certificate): string {
  const attributes = certificate.subject.split('\n').filter((line) => line !== '');
  return attributes
    .map((attribute) => {
      const eq = attribute.indexOf('=');
      const type = attribute.slice(0, eq);
      const value = attribute.slice(eq + 1);
      if (type === 'emailAddress') {
        // IA5String DER: tag 0x16, length, bytes.
        const bytes = Buffer.from(value.replaceAll('\\', ''), 'ascii');
        return `${EMAIL_OID}=#16${bytes.length.toString(16).padStart(2, '0')}${bytes.toString('hex')}`;
      }
      return `${type}=${value}`;
    })
    .reverse()
    .join(',');
}

interface MappingRule {
  readonly isDefault: boolean;
  readonly pattern?: RegExp;
  readonly replacement?: string;
  readonly caseChange?: 'L' | 'U';
}

const RULE = /^RULE:((?:\\.|[^\\/])*)\/((?:\\.|[^\\/])*)\/([LU]?)$/;

/** Splits on commas that are not inside a RULE's pattern or replacement. */
function splitRules(rules: string): string[] {
  const out: string[] = [];
  let rest = rules.trim();
  while (rest !== '') {
    let entry: string;
    if (rest.startsWith('RULE:')) {
      const m = /^RULE:(?:\\.|[^\\/])*\/(?:\\.|[^\\/])*\/[LU]?/.exec(rest);
      if (!m) throw new InvalidConfigError(`ssl.principal.mapping.rules: invalid rule '${rest}'`);
      entry = m[0];
    } else {
      const comma = rest.indexOf(',');
      entry = comma < 0 ? rest : rest.slice(0, comma);
    }
    out.push(entry.trim());
    rest = rest.slice(entry.length).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
    else if (rest !== '')
      throw new InvalidConfigError(`ssl.principal.mapping.rules: expected ',' before '${rest}'`);
  }
  return out;
}

/**
 * Kafka's SslPrincipalMapper: the first rule whose pattern matches the whole DN gives the name
 * (`RULE:pattern/replacement/` with `$1` groups, optional L or U to change case); `DEFAULT` keeps
 * the DN. A DN no rule matches fails authentication.
 */
export class PrincipalMapper {
  private readonly rules: MappingRule[];

  constructor(readonly source: string) {
    this.rules = splitRules(source || 'DEFAULT').map((entry): MappingRule => {
      if (entry === 'DEFAULT') return { isDefault: true };
      const m = RULE.exec(entry);
      if (!m) throw new InvalidConfigError(`ssl.principal.mapping.rules: invalid rule '${entry}'`);
      let pattern: RegExp;
      try {
        pattern = new RegExp(m[1]!, 'g');
      } catch (error) {
        throw new InvalidConfigError(`ssl.principal.mapping.rules: ${(error as Error).message}`);
      }
      return {
        isDefault: false,
        pattern,
        replacement: m[2]!,
        caseChange: (m[3] || undefined) as 'L' | 'U' | undefined,
      };
    });
  }

  /** The user name for `dn`, or undefined when no rule applies. */
  map(dn: string): string | undefined {
    for (const rule of this.rules) {
      if (rule.isDefault) return dn;
      const full = new RegExp(`^(?:${rule.pattern!.source})$`);
      if (!full.test(dn)) continue;
      // As Java's String.replaceAll over the whole DN.
      let result = dn.replace(rule.pattern!, rule.replacement!);
      if (rule.caseChange === 'L') result = result.toLowerCase();
      else if (rule.caseChange === 'U') result = result.toUpperCase();
      return result;
    }
    return undefined;
  }
}
