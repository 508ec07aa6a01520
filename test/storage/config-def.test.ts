import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaDoubleToString, parseConfigValue } from '../../src/storage/config-def.js';

// ConfigDef.parseType and convertToString as Kafka 3.9 has them.
describe('ConfigDef values', () => {
  it('parses and prints values as Kafka does', () => {
    assert.equal(parseConfigValue('x', 'long', ' +0042 ').canonical, '42');
    assert.equal(parseConfigValue('x', 'long', '9223372036854775807').canonical, '9223372036854775807');
    assert.equal(parseConfigValue('x', 'boolean', 'TRUE').canonical, 'true');
    assert.equal(parseConfigValue('x', 'double', '1').canonical, '1.0');
    assert.deepEqual(parseConfigValue('x', 'list', ' compact , delete ').value, ['compact', 'delete']);
    assert.deepEqual(parseConfigValue('x', 'list', '').value, []);
    assert.deepEqual(parseConfigValue('x', 'list', 'a,,b').value, ['a', '', 'b']);
    assert.equal(parseConfigValue('x', 'string', '  2.8  ').canonical, '2.8');
  });

  it("refuses values of the wrong type with ConfigException's message", () => {
    assert.throws(() => parseConfigValue('segment.bytes', 'int', '2147483648'), {
      message: 'Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT',
    });
    assert.throws(() => parseConfigValue('r', 'double', ''), {
      message: 'Invalid value  for configuration r: Not a number of type DOUBLE',
    });
    assert.throws(() => parseConfigValue('p', 'boolean', 'yes'), {
      message: 'Invalid value yes for configuration p: Expected value to be either true or false',
    });
  });

  it("prints doubles as Java's Double.toString", () => {
    assert.deepEqual([0.5, 1, 0, 1e7, 1.5e-4, 123.25, -2].map(javaDoubleToString), [
      '0.5',
      '1.0',
      '0.0',
      '1.0E7',
      '1.5E-4',
      '123.25',
      '-2.0',
    ]);
  });
});
