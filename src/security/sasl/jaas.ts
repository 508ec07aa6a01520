/**
 * Kafka's JAAS config values (`sasl.jaas.config`):
 * `<LoginModule class> <flag> key="value" key2=value2;`. Only the options are used: PLAIN users
 * (`user_NAME="PASSWORD"`) and the OAUTHBEARER validator's settings.
 */
import { InvalidConfigError } from '../../util/errors.js';

export interface JaasEntry {
  readonly loginModule: string;
  readonly flag: string;
  readonly options: ReadonlyMap<string, string>;
}

const TOKEN = /\s*(?:"((?:\\.|[^"\\])*)"|([^\s=;"]+)|(=)|(;))/y;

export function parseJaasConfig(text: string, setting: string): JaasEntry {
  const tokens: { value: string; quoted: boolean; symbol?: string }[] = [];
  TOKEN.lastIndex = 0;
  const trimmed = text.trim();
  while (TOKEN.lastIndex < trimmed.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(trimmed);
    if (!m)
      throw new InvalidConfigError(`${setting}: cannot parse near '${trimmed.slice(start, start + 20)}'`);
    if (m[1] !== undefined) tokens.push({ value: m[1].replace(/\\(.)/g, '$1'), quoted: true });
    else if (m[2] !== undefined) tokens.push({ value: m[2], quoted: false });
    else tokens.push({ value: m[3] ?? m[4]!, quoted: false, symbol: m[3] ?? m[4] });
  }
  const [module, flag, ...rest] = tokens;
  if (!module || !flag || module.symbol || flag.symbol) {
    throw new InvalidConfigError(`${setting}: expected '<LoginModule> required key="value" ...;'`);
  }
  if (rest.at(-1)?.symbol !== ';') throw new InvalidConfigError(`${setting}: must end with ';'`);
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length - 1; i += 3) {
    const [key, eq, value] = [rest[i], rest[i + 1], rest[i + 2]];
    if (!key || key.symbol || eq?.symbol !== '=' || !value || value.symbol) {
      throw new InvalidConfigError(
        `${setting}: expected key=value pairs after '${module.value} ${flag.value}'`,
      );
    }
    options.set(key.value, value.value);
  }
  return { loginModule: module.value, flag: flag.value, options };
}
