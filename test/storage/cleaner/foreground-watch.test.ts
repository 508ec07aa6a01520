import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUSY_WINDOW_MS, ForegroundWatch } from '../../../src/storage/cleaner/cleaner.js';
import { foregroundActivity } from '../../../src/storage/foreground-activity.js';

describe('ForegroundWatch (when the cleaner gives way)', () => {
  it('is idle without appends or reads, busy for a window after one, idle again after it', () => {
    const watch = new ForegroundWatch();
    assert.equal(watch.busy(1000), false);
    foregroundActivity.operations++;
    assert.equal(watch.busy(1000), true);
    // No new activity: still busy within the window (requests arrive every few ms, not every loop turn).
    assert.equal(watch.busy(1000 + BUSY_WINDOW_MS - 1), true);
    assert.equal(watch.busy(1000 + BUSY_WINDOW_MS), false);
    foregroundActivity.operations++;
    assert.equal(watch.busy(5000), true);
  });
});
