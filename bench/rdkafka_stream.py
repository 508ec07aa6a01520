"""Shared by the librdkafka benchmark drivers: stream COUNT copies of a value as fast as the local
queue takes them, serving delivery reports when it is full, then flush.

Returns (seconds, records left unflushed), timed from the first produce() to the end of flush().
"""

import time


def produce_all(producer, topic, value, count, on_delivery, flush_timeout_s):
    produce = producer.produce
    poll = producer.poll
    start = time.perf_counter()
    for i in range(count):
        try:
            produce(topic, value, on_delivery=on_delivery)
        except BufferError:
            # The local queue is full: serve delivery reports until there is room again.
            while True:
                poll(0.005)
                try:
                    produce(topic, value, on_delivery=on_delivery)
                    break
                except BufferError:
                    pass
        if i % 10000 == 0:
            poll(0)
    remaining = producer.flush(flush_timeout_s)
    return time.perf_counter() - start, remaining
