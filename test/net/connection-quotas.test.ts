import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveBrokerConfig } from '../../src/broker/config.js';
import {
  ConnectionQuotas,
  normaliseAddress,
  parseConnectionOverrides,
  UNLIMITED_CONNECTIONS,
} from '../../src/net/connection-quotas.js';
import { InvalidConfigError } from '../../src/util/errors.js';

describe('ConnectionQuotas', () => {
  it('parses max.connections.per.ip.overrides and refuses what is not address:count', () => {
    assert.deepEqual(
      parseConnectionOverrides(' 127.0.0.1:200, ::1:50,[fe80::1]:3,::ffff:10.0.0.1:7'),
      new Map([
        ['127.0.0.1', 200],
        ['::1', 50],
        ['fe80::1', 3],
        ['10.0.0.1', 7],
      ]),
    );
    assert.deepEqual(parseConnectionOverrides(''), new Map());
    assert.throws(() => parseConnectionOverrides('broker-host:5'), InvalidConfigError);
    assert.throws(() => parseConnectionOverrides('127.0.0.1:many'), InvalidConfigError);
    assert.equal(normaliseAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normaliseAddress('::1'), '::1');
  });

  it('counts per address with overrides, and opens slots up to max.connections', () => {
    const quotas = new ConnectionQuotas({
      ...UNLIMITED_CONNECTIONS,
      maxConnections: 3,
      maxConnectionsPerIp: 2,
      maxConnectionsPerIpOverrides: new Map([['10.0.0.9', 0]]),
    });
    assert.equal(quotas.admitAddress('10.0.0.1'), true);
    assert.equal(quotas.admitAddress('10.0.0.1'), true);
    assert.equal(quotas.admitAddress('10.0.0.1'), false);
    assert.equal(quotas.admitAddress('10.0.0.9'), false, 'an override of 0 refuses the address');
    quotas.releaseAddress('10.0.0.1');
    assert.equal(quotas.admitAddress('10.0.0.1'), true);
    assert.equal(quotas.tryOpen(), 0);
    assert.equal(quotas.tryOpen(), 0);
    assert.equal(quotas.tryOpen(), 0);
    assert.equal(quotas.tryOpen(), Number.POSITIVE_INFINITY, 'the fourth waits for a close');
    quotas.close();
    assert.equal(quotas.tryOpen(), 0);
  });

  it('spaces connections beyond a one-second burst to max.connection.creation.rate', () => {
    let now = 0;
    const quotas = new ConnectionQuotas(
      { ...UNLIMITED_CONNECTIONS, maxConnectionCreationRate: 4 },
      () => now,
    );
    for (let i = 0; i < 4; i++) assert.equal(quotas.tryOpen(), 0);
    assert.equal(quotas.tryOpen(), 250, 'one token every 250 ms');
    now += 250;
    assert.equal(quotas.tryOpen(), 0);
    assert.equal(quotas.openConnections, 5);
  });

  it('is configured by Kafka’s names', () => {
    const config = resolveBrokerConfig({
      'connections.max.idle.ms': '3000',
      'max.connections': '10',
      'max.connections.per.ip': '5',
      'max.connections.per.ip.overrides': '127.0.0.1:100',
      'socket.request.receive.timeout.ms': '1500',
    });
    assert.equal(config.connectionLimits.idleTimeoutMs, 3000);
    assert.equal(config.connectionLimits.maxConnections, 10);
    assert.equal(config.connectionLimits.maxConnectionsPerIp, 5);
    assert.deepEqual(config.connectionLimits.maxConnectionsPerIpOverrides, new Map([['127.0.0.1', 100]]));
    assert.equal(config.connectionLimits.requestReceiveTimeoutMs, 1500);
    assert.equal(resolveBrokerConfig().connectionLimits.idleTimeoutMs, 600_000, 'Kafka’s default');
    assert.throws(() => resolveBrokerConfig({ 'max.connections.per.ip.overrides': 'x' }), InvalidConfigError);
  });
});
