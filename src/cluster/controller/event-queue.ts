/**
 * The controller's one queue (Kafka's `ControllerEventManager`): events run one at a time, in the
 * order they arrived, so no two decisions about the cluster ever interleave.
 */
import type { Logger } from '../../util/logger.js';

export class ControllerEventQueue {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly logger: Logger) {}

  /** Runs `event` after every event queued before it; resolves (or rejects) with its result. */
  put<T>(name: string, event: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('controller event queue closed'));
    const run = this.tail.then(event);
    this.tail = run.then(
      () => undefined,
      (err) => this.logger.error({ event: name, err }, 'controller event failed'),
    );
    return run;
  }

  /** Lets queued events finish; refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }
}
