/**
 * One TCP connection to one broker: size-prefixed frames, correlation ids, pipelined requests.
 *
 * Kafka answers the requests of one connection in the order they were sent, so responses are matched
 * against the oldest in-flight request; a response whose correlation id is not that one means the
 * stream is out of step and the connection is closed. On connect the client sends ApiVersions
 * (v3 first; on UNSUPPORTED_VERSION the broker answers in v0 layout with its own range, and the
 * client retries at the highest version both know, as Kafka's NetworkClient does), then uses each
 * API at the highest version both sides support.
 *
 * A request that outlives its timeout closes the connection and fails everything in flight on it
 * (Kafka's NetworkClient does the same: the stream cannot be resynchronised after a lost response).
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import { FrameReader } from '../net/frame-reader.js';
import { decodeMessage } from '../protocol/codec.js';
import { decodeResponseFrame, encodeRequestFrame } from '../protocol/header.js';
import { ApiVersions, SaslAuthenticate, SaslHandshake } from '../protocol/messages/index.js';
import type { ApiSpec } from '../protocol/schema/types.js';
import { versionIn } from '../protocol/schema/versions.js';
import { CLIENT_VERSIONS, type VersionRange } from './client-versions.js';
import {
  ConnectionError,
  KafkaResponseError,
  RequestTimeoutError,
  responseError,
  UnsupportedApiError,
} from './errors.js';
import { type ClientSasl, type ClientSecurity, saslClientExchange } from './security.js';

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** Sent in every request header (Kafka's client.id). */
  readonly clientId?: string;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Default 30 s (Kafka's request.timeout.ms). */
  readonly requestTimeoutMs?: number;
  /** Largest response frame accepted; default 256 MiB. */
  readonly maxResponseBytes?: number;
  /** TLS and SASL (default PLAINTEXT). */
  readonly security?: ClientSecurity;
}

export interface SendOptions {
  /** Force a version instead of the negotiated one. */
  readonly version?: number;
  /** Overrides the connection's request timeout (a long-poll Fetch adds its maxWaitMs). */
  readonly timeoutMs?: number;
}

interface InFlight {
  readonly correlationId: number;
  readonly apiName: string;
  readonly resolve: (frame: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const SOFTWARE_NAME = 'samsa';
const SOFTWARE_VERSION = readPackageVersion();
const UNSUPPORTED_VERSION = 35;

export class Connection {
  /** Sent as ApiVersions' clientSoftwareVersion (KIP-511). */
  static readonly softwareVersion: string = SOFTWARE_VERSION;
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  private readonly requestTimeoutMs: number;
  private readonly socket: net.Socket;
  private readonly frames: FrameReader;
  private readonly inFlight = new Map<number, InFlight>();
  private nextCorrelationId = 0;
  private closedError: Error | undefined;
  /** The version used for each API, after negotiation. */
  private readonly versions = new Map<number, number>();
  /** What the broker advertised, by API key. */
  private readonly brokerVersions = new Map<number, VersionRange>();

  private constructor(socket: net.Socket, options: ConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.clientId = options.clientId ?? 'samsa';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.socket = socket;
    this.frames = new FrameReader(options.maxResponseBytes ?? 256 * 1024 * 1024);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) =>
      this.fail(new ConnectionError(`${this.address}: ${err.message}`, { cause: err })),
    );
    socket.on('close', () =>
      this.fail(new ConnectionError(`${this.address}: connection closed by the broker`)),
    );
  }

  /** Opens a connection and negotiates API versions. */
  static async connect(options: ConnectionOptions): Promise<Connection> {
    const socket = await openSocket(
      options.host,
      options.port,
      options.connectTimeoutMs ?? 10_000,
      options.security?.tls,
    );
    const connection = new Connection(socket, options);
    try {
      await connection.negotiateVersions();
      if (options.security?.sasl) await connection.authenticate(options.security.sasl);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  /** True when the broker serves `spec` at a version this client knows. */
  supports(spec: ApiSpec): boolean {
    return this.versions.has(spec.apiKey);
  }

  /** The negotiated version of an API; throws UNSUPPORTED_VERSION when there is none. */
  versionFor(spec: ApiSpec): number {
    const version = this.versions.get(spec.apiKey);
    if (version === undefined) {
      const broker = this.brokerVersions.get(spec.apiKey);
      const served = broker ? `v${broker.min}-${broker.max}` : 'not at all';
      throw new UnsupportedApiError(`${spec.name}: the broker at ${this.address} serves it ${served}`);
    }
    return version;
  }

  /** Sends a request and resolves with the decoded response body. */
  async send<T = any>(spec: ApiSpec, body: object, options: SendOptions = {}): Promise<T> {
    const version = options.version ?? this.versionFor(spec);
    const frame = await this.exchange(spec, version, body, options.timeoutMs ?? this.requestTimeoutMs);
    return decodeResponseFrame<T>(spec.response, version, frame).body;
  }

  /**
   * Sends a request the broker does not answer (Produce with acks=0) and resolves once it is written
   * to the socket.
   */
  async sendWithoutResponse(spec: ApiSpec, body: object, options: SendOptions = {}): Promise<void> {
    const version = options.version ?? this.versionFor(spec);
    if (this.closedError) throw this.closedError;
    const correlationId = this.takeCorrelationId();
    const frame = encodeRequestFrame(spec.request, version, { correlationId, clientId: this.clientId }, body);
    await new Promise<void>((resolve, reject) => {
      this.socket.write(frame, (err) =>
        err ? reject(new ConnectionError(`${this.address}: ${err.message}`, { cause: err })) : resolve(),
      );
    });
  }

  /** Closes the socket; requests still in flight fail with NETWORK_EXCEPTION. */
  close(): void {
    this.fail(new ConnectionError(`${this.address}: connection closed`));
  }

  // ---------------------------------------------------------------------------------------------

  private async negotiateVersions(): Promise<void> {
    const own = CLIENT_VERSIONS.get(ApiVersions.apiKey)!;
    let version = own.max;
    for (;;) {
      const frame = await this.exchange(
        ApiVersions,
        version,
        { clientSoftwareName: SOFTWARE_NAME, clientSoftwareVersion: SOFTWARE_VERSION },
        this.requestTimeoutMs,
      );
      // The ApiVersions response header is always v0: correlation id, then the body's errorCode.
      const errorCode = frame.readInt16BE(4);
      if (errorCode === UNSUPPORTED_VERSION) {
        // KIP-511: the broker answered in v0 layout, listing the ApiVersions versions it serves.
        const v0 = decodeMessage(ApiVersions.response, 0, frame, 4).value;
        const range = v0.apiKeys.find((k: { apiKey: number }) => k.apiKey === ApiVersions.apiKey);
        const retry = range ? Math.min(range.maxVersion, own.max) : -1;
        if (retry < own.min || retry >= version) {
          throw new UnsupportedApiError(`${this.address}: no ApiVersions version in common with the broker`);
        }
        version = retry;
        continue;
      }
      const body = decodeResponseFrame(ApiVersions.response, version, frame).body;
      if (body.errorCode !== 0) {
        throw new KafkaResponseError(body.errorCode, `ApiVersions v${version} to ${this.address}`);
      }
      for (const k of body.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]) {
        this.brokerVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
        const mine = CLIENT_VERSIONS.get(k.apiKey);
        if (mine === undefined) continue;
        const max = Math.min(mine.max, k.maxVersion);
        if (max >= Math.max(mine.min, k.minVersion)) this.versions.set(k.apiKey, max);
      }
      return;
    }
  }

  /** SaslHandshake v1, then the mechanism's tokens in SaslAuthenticate requests (KIP-152). */
  private async authenticate(sasl: ClientSasl): Promise<void> {
    const handshake = await this.send(SaslHandshake, { mechanism: sasl.mechanism });
    if (handshake.errorCode !== 0) {
      throw responseError(
        handshake.errorCode,
        `SaslHandshake ${sasl.mechanism} to ${this.address}`,
        `the broker offers ${(handshake.mechanisms as string[]).join(', ') || 'no mechanism'}`,
      );
    }
    const exchange = saslClientExchange(sasl);
    let token: Buffer | undefined = exchange.first();
    while (token !== undefined) {
      const answer = await this.send(SaslAuthenticate, { authBytes: token });
      throwIfFailed(answer, `SASL ${sasl.mechanism} authentication to ${this.address}`);
      token = await exchange.next(answer.authBytes as Buffer);
    }
  }

  /** Writes one request frame and resolves with its response frame (without the size prefix). */
  private exchange(spec: ApiSpec, version: number, body: object, timeoutMs: number): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (!versionIn(spec.request.validVersions, version)) {
      return Promise.reject(new UnsupportedApiError(`${spec.name} v${version} is not a version of the API`));
    }
    const correlationId = this.takeCorrelationId();
    const frame = encodeRequestFrame(spec.request, version, { correlationId, clientId: this.clientId }, body);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new RequestTimeoutError(`${spec.name} to ${this.address} got no response within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.inFlight.set(correlationId, { correlationId, apiName: spec.name, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = (id + 1) & 0x7fffffff;
    return id;
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (error) {
      this.fail(new ConnectionError(`${this.address}: ${(error as Error).message}`, { cause: error }));
      return;
    }
    for (const frame of frames) {
      const oldest = this.inFlight.values().next().value as InFlight | undefined;
      const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
      if (oldest === undefined || oldest.correlationId !== correlationId) {
        const expected = oldest ? String(oldest.correlationId) : 'none';
        this.fail(
          new ConnectionError(
            `${this.address}: response correlation id ${correlationId} does not match the oldest request (${expected})`,
          ),
        );
        return;
      }
      this.inFlight.delete(correlationId);
      clearTimeout(oldest.timer);
      oldest.resolve(frame);
    }
  }

  private fail(error: Error): void {
    if (this.closedError === undefined) {
      this.closedError = error;
      this.socket.destroy();
    }
    for (const pending of this.inFlight.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.inFlight.clear();
  }
}

function throwIfFailed(answer: { errorCode: number; errorMessage?: string | null }, where: string): void {
  if (answer.errorCode !== 0) throw responseError(answer.errorCode, where, answer.errorMessage);
}

/** A TCP socket, or a TLS one once its handshake is done (server name from `host` unless an IP). */
function openSocket(
  host: string,
  port: number,
  timeoutMs: number,
  tlsOptions?: tls.ConnectionOptions,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = tlsOptions
      ? tls.connect({ ...tlsOptions, host, port, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectionError(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new ConnectionError(`could not connect to ${host}:${port} (${err.code ?? err.message})`, {
          cause: err,
        }),
      );
    });
  });
}

/** The package version, sent as clientSoftwareVersion (KIP-511); falls back when run from elsewhere. */
function readPackageVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    // dist/src/client/connection.js → package.json three levels up.
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
