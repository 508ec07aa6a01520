import { InvalidConfigError } from '../util/errors.js';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export function usesTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

export function usesSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

/** One named listener: where it binds, and what clients that use it are told to connect to. */
export interface ListenerConfig {
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  readonly bindHost: string;
  /** 0 binds any free port (and then advertises the bound one when the advertised port is 0 too). */
  readonly bindPort: number;
  readonly advertisedHost: string;
  readonly advertisedPort: number;
}

export interface ResolvedListeners {
  readonly listeners: readonly ListenerConfig[];
  readonly interBrokerListenerName: string;
}

interface EndpointSpec {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** `NAME://host:port` (host may be empty or a bracketed IPv6 address), as Kafka's listener lists. */
export function parseEndpointList(list: string, setting: string): EndpointSpec[] {
  const out: EndpointSpec[] = [];
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(entry);
    if (!match) throw new InvalidConfigError(`${setting}: '${entry}' is not NAME://host:port`);
    const port = Number(match[3]);
    if (port > 65535) throw new InvalidConfigError(`${setting}: port ${port} of '${entry}' is out of range`);
    const host = match[2]!.startsWith('[') ? match[2]!.slice(1, -1) : match[2]!;
    const name = match[1]!.toUpperCase();
    if (out.some((e) => e.name === name)) {
      throw new InvalidConfigError(`${setting}: listener name ${name} appears more than once`);
    }
    out.push({ name, host, port });
  }
  return out;
}

function parseProtocolMap(map: string): Map<string, SecurityProtocol> {
  const out = new Map<string, SecurityProtocol>();
  for (const raw of map.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [name, protocol] = entry.split(':').map((s) => s.trim().toUpperCase());
    if (!name || !protocol || !(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new InvalidConfigError(
        `listener.security.protocol.map: '${entry}' is not NAME:PROTOCOL with PROTOCOL one of ${SECURITY_PROTOCOLS.join(', ')}`,
      );
    }
    out.set(name, protocol as SecurityProtocol);
  }
  return out;
}

/**
 * Resolves Kafka's `listeners`, `advertised.listeners`, `listener.security.protocol.map` and
 * `inter.broker.listener.name`. Without `listeners`, the `host`/`port` settings make the one
 * PLAINTEXT listener (advertised as `advertised.host.name`/`advertised.port`), as before.
 */
export function resolveListeners(
  values: ReadonlyMap<string, string>,
  legacy: { host: string; port: number; advertisedHost: string; advertisedPort: number },
): ResolvedListeners {
  const protocols = parseProtocolMap(values.get('listener.security.protocol.map') ?? '');
  const listenersSetting = values.get('listeners') ?? '';
  const binds =
    listenersSetting.trim() === ''
      ? [{ name: 'PLAINTEXT', host: legacy.host, port: legacy.port }]
      : parseEndpointList(listenersSetting, 'listeners');
  if (binds.length === 0) throw new InvalidConfigError('listeners: no listener given');
  const advertisedSetting = values.get('advertised.listeners') ?? '';
  const advertised =
    advertisedSetting.trim() === ''
      ? undefined
      : new Map(parseEndpointList(advertisedSetting, 'advertised.listeners').map((e) => [e.name, e]));
  for (const name of advertised?.keys() ?? []) {
    if (!binds.some((b) => b.name === name)) {
      throw new InvalidConfigError(`advertised.listeners: ${name} is not one of the listeners`);
    }
  }
  const legacyMode = listenersSetting.trim() === '';
  const listeners = binds.map((bind): ListenerConfig => {
    const securityProtocol = protocols.get(bind.name);
    if (!securityProtocol) {
      throw new InvalidConfigError(
        `listeners: no security protocol for listener ${bind.name} in listener.security.protocol.map`,
      );
    }
    const ad = advertised?.get(bind.name);
    let advertisedHost = ad?.host ?? (legacyMode ? legacy.advertisedHost : bind.host);
    const advertisedPort =
      ad?.port ?? (legacyMode && legacy.advertisedPort !== 0 ? legacy.advertisedPort : 0);
    if (advertisedHost === '0.0.0.0' || advertisedHost === '::') {
      if (ad) throw new InvalidConfigError(`advertised.listeners: ${bind.name} cannot advertise ${ad.host}`);
      advertisedHost = '';
    }
    return {
      name: bind.name,
      securityProtocol,
      bindHost: bind.host,
      bindPort: bind.port,
      advertisedHost,
      advertisedPort,
    };
  });
  const interBroker = (values.get('inter.broker.listener.name') ?? '').trim().toUpperCase();
  const interBrokerListenerName =
    interBroker || (values.get('security.inter.broker.protocol') ?? 'PLAINTEXT');
  if (!listeners.some((l) => l.name === interBrokerListenerName)) {
    throw new InvalidConfigError(
      `inter.broker.listener.name ${interBrokerListenerName} must be one of the listeners (${listeners.map((l) => l.name).join(', ')}); set inter.broker.listener.name or security.inter.broker.protocol`,
    );
  }
  return { listeners, interBrokerListenerName };
}
