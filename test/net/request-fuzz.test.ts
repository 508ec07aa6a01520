import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { answersApiVersions, RawClient } from '../broker/raw-client.js';
import { type BrokerProcess, startBrokerProcess } from '../helpers/broker.js';
import { capturedRequests, mutateFrame, seededRandom } from '../helpers/frame-mutator.js';
import { processMemory } from '../helpers/process-memory.js';

/**
 * Mutated copies of request frames captured from kcat and KafkaJS, sent to a broker process over raw
 * sockets. After each one the broker must answer ApiVersions: on the same connection when it is
 * still open and answering, otherwise on a fresh one. Reproduce a failure with the printed seed:
 * SAMSA_FUZZ_SEED=<seed> SAMSA_FUZZ_FRAMES=<n> node --test dist/test/net/request-fuzz.test.js
 */
const SEED = Number(process.env.SAMSA_FUZZ_SEED ?? 20261201);
const FRAMES = Number(process.env.SAMSA_FUZZ_FRAMES ?? 3000);
/** A mutated request may legitimately wait (a long poll, a join); past this the connection is dropped. */
const SAME_CONNECTION_WAIT_MS = 200;
/** A fresh connection must be answered within this, or the broker is considered down. */
const FRESH_CONNECTION_WAIT_MS = 10_000;
const RSS_GROWTH_LIMIT_BYTES = 150 * 1024 * 1024;

// CreateTopics and DeleteTopics are left out: their mutations create or delete topics wholesale.
const SEEDS = capturedRequests().filter((r) => !/CreateTopics|DeleteTopics/.test(r.name));

describe('mutated real-client requests', { timeout: 120_000 }, () => {
  let broker: BrokerProcess;
  before(async () => {
    broker = await startBrokerProcess({
      config: {
        'auto.create.topics.enable': 'false',
        'socket.request.max.bytes': String(1024 * 1024),
        'queued.max.request.bytes': String(16 * 1024 * 1024),
      },
    });
  });
  after(async () => {
    await broker?.stop();
  });

  it(`keeps answering and bounded in memory (seed ${SEED}, ${FRAMES} frames)`, async () => {
    console.log(`request fuzz: seed ${SEED}, ${FRAMES} frames over ${SEEDS.length} captured requests`);
    assert.ok(SEEDS.length >= 20, 'captured requests fixture');
    const random = seededRandom(SEED);
    const baseline = processMemory(broker.pid).rssBytes;
    let client = await RawClient.open(broker.bootstrap);
    let correlationId = 1_000_000;
    let freshConnections = 0;
    let closedByBroker = 0;
    for (let i = 0; i < FRAMES; i++) {
      const seed = SEEDS[Math.floor(random() * SEEDS.length)]!;
      const frame = mutateFrame(seed.frame, SEEDS, random);
      client.send(frame);
      if (await answersApiVersions(client, correlationId++, SAME_CONNECTION_WAIT_MS)) continue;
      if (client.closed) closedByBroker++;
      client.close();
      client = await RawClient.open(broker.bootstrap);
      freshConnections++;
      const answered = await answersApiVersions(client, correlationId++, FRESH_CONNECTION_WAIT_MS);
      assert.ok(
        answered,
        `no answer on a fresh connection after frame ${i} (seed ${SEED}) from ${seed.name}: ${frame.toString('hex')}\n${broker.output()}`,
      );
    }
    client.close();
    const memory = processMemory(broker.pid);
    console.log(
      `request fuzz: ${freshConnections} fresh connections (${closedByBroker} closed by the broker), ` +
        `rss ${(memory.rssBytes / 2 ** 20).toFixed(0)} MiB, peak ${(memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    assert.ok(
      memory.peakRssBytes - baseline < RSS_GROWTH_LIMIT_BYTES,
      `peak RSS ${memory.peakRssBytes} grew more than ${RSS_GROWTH_LIMIT_BYTES} over ${baseline}`,
    );
    assert.ok(closedByBroker > 0, 'some mutated frames must be refused by closing the connection');
    assert.ok(freshConnections < FRAMES, 'most mutated frames leave the connection answering');
  });
});
