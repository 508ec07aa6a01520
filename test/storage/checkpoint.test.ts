import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readCheckpointFile, writeCheckpointFile } from '../../src/storage/checkpoint.js';
import { KafkaStorageError } from '../../src/util/errors.js';
import { tempDir } from './helpers.js';

describe('offset checkpoint files', () => {
  it("writes Kafka's text format and reads it back", () => {
    const file = path.join(tempDir(), 'recovery-point-offset-checkpoint');
    const entries = [
      { topic: 'orders', partition: 0, offset: 1234n },
      { topic: '__consumer_offsets', partition: 49, offset: 9_007_199_254_740_993n },
    ];
    writeCheckpointFile(file, entries);
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      '0\n2\norders 0 1234\n__consumer_offsets 49 9007199254740993\n',
    );
    assert.deepEqual(readCheckpointFile(file), entries);
    assert.equal(fs.existsSync(`${file}.tmp`), false);
  });

  it('reads a file written by Kafka, and an empty one', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a'), '0\n1\nmy.topic-name 3 42\n');
    assert.deepEqual(readCheckpointFile(path.join(dir, 'a')), [
      { topic: 'my.topic-name', partition: 3, offset: 42n },
    ]);
    writeCheckpointFile(path.join(dir, 'b'), []);
    assert.equal(fs.readFileSync(path.join(dir, 'b'), 'utf8'), '0\n0\n');
    assert.deepEqual(readCheckpointFile(path.join(dir, 'missing')), []);
  });

  it('rejects malformed files', () => {
    const dir = tempDir();
    for (const [name, text] of [
      ['version', '1\n0\n'],
      ['count', '0\n2\norders 0 1\n'],
      ['line', '0\n1\norders zero 1\n'],
    ]) {
      fs.writeFileSync(path.join(dir, name!), text!);
      assert.throws(() => readCheckpointFile(path.join(dir, name!)), KafkaStorageError, name);
    }
  });
});
