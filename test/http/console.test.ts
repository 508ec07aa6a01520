import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Consumer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { launchChromium, screenshotDir } from '../helpers/browser.js';
import { type SecureTestBroker, startSecureBroker } from '../helpers/secure-broker.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const RECORDS = 30;

function kcatProduce(bootstrap: string, topic: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-P', '-b', bootstrap, '-t', topic, '-K', '|'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${stderr}`)),
    );
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

// The web console in a real browser (Debian's Chromium driven by playwright-core) against a broker
// holding data from kcat and a KafkaJS group: each page is visited by its own URL, clicked through,
// and photographed into test-output/console/.
describe('web console in Chromium', { timeout: 180_000 }, () => {
  let broker: TestBroker;
  let browser: Browser;
  let page: Page;
  let consumer: Consumer | undefined;
  let base: string;
  const topic = uniqueTopic('orders');
  const group = `console-group-${process.pid}`;
  const shots = screenshotDir('console');
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

  before(async () => {
    broker = await startBroker();
    base = broker.broker.adminUrl!;
    await run('node', [
      path.resolve('bin/samsa'),
      'topic',
      'create',
      topic,
      '--partitions',
      '3',
      '-b',
      broker.bootstrap,
    ]);
    const lines = Array.from({ length: RECORDS }, (_, i) => `order-${i}|{"id":${i},"amount":${i * 10}}`);
    await kcatProduce(broker.bootstrap, topic, lines);
    consumer = kafkaFor(broker.bootstrap).consumer({
      groupId: group,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    await waitFor(() => seen >= RECORDS, {
      timeoutMs: 30_000,
      description: 'the group consumed every record',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    await consumer?.disconnect();
    await broker?.cleanup();
  });

  test('cluster overview', async () => {
    await page.goto(`${base}/`);
    await page.getByText('under-replicated').waitFor();
    const brokers = await page.locator('.card', { hasText: 'brokers' }).locator('.card-value').textContent();
    assert.equal(brokers, '1');
    assert.equal(await page.locator('table tbody tr').count(), 1, 'one broker row');
    await page.locator('canvas').first().waitFor();
    await shot('overview');
  });

  test('brokers page: a row per broker and a per-broker records chart that moves with kcat traffic', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Brokers' }).click();
    await page.waitForURL(`${base}/brokers`);
    const rows = page.getByRole('table', { name: 'brokers' }).locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1, 'one broker row');
    const cells = await rows.first().getByRole('cell').allTextContents();
    assert.equal(cells[1], broker.bootstrap, 'host:port as advertised');
    assert.equal(cells[3], 'yes', 'the single broker is the controller');
    assert.ok(Number(cells[4]) >= 3, `partitions led: ${cells[4]}`);
    await page.locator('canvas[aria-label="Records in / s per broker"]').waitFor();
    assert.equal(await page.locator('canvas').count(), 2);
    // Samples are 5 s apart: keep producing (to a topic of its own, auto-created, so the other
    // pages' counts stay as they are) until a sample has seen records arrive.
    const load = uniqueTopic('load');
    const rate = rows.first().locator('td[data-testid^="broker-rate-"]');
    await waitFor(
      async () => {
        await kcatProduce(broker.bootstrap, load, ['k|v']);
        return Number((await rate.textContent())?.replace(/,/g, '')) > 0;
      },
      { timeoutMs: 40_000, intervalMs: 500, description: 'a records-in rate above zero on the page' },
    );
    await shot('brokers');
  });

  test('topics: list, create from the UI, and the topic page by its own URL', async () => {
    await page.goto(`${base}/topics`);
    await page.getByRole('link', { name: topic }).waitFor();
    const created = uniqueTopic('from-ui');
    await page.getByPlaceholder('new topic name').fill(created);
    await page.getByRole('button', { name: 'create topic' }).click();
    await page.getByRole('link', { name: created }).waitFor();
    await shot('topics');

    await page.getByRole('link', { name: topic }).click();
    await page.waitForURL(`${base}/topics/${topic}`);
    await page.locator('table tbody tr').nth(2).waitFor();
    const ends = await page.locator('table tbody tr td:nth-child(3)').allTextContents();
    assert.equal(
      ends.reduce((sum, v) => sum + Number(v), 0),
      RECORDS,
    );
    await shot('topic-partitions');
  });

  test('message browser: JavaScript and JSONPath filters over a server-side scan, decoding, producing', async () => {
    await page.goto(`${base}/topics/${topic}/messages`);
    await page.getByLabel('filter', { exact: true }).fill('value.amount >= 200');
    await page.getByRole('button', { name: 'read' }).click();
    await page
      .getByTestId('scan-progress')
      .filter({ hasText: /matched 10$/ })
      .waitFor();
    assert.equal(await page.locator('table.messages tbody tr').count(), 10);
    await shot('messages-js-filter');

    await page.getByLabel('filter type').selectOption('jsonpath');
    await page.getByLabel('filter', { exact: true }).fill('$.id == 7');
    await page.getByRole('button', { name: 'read' }).click();
    await page
      .getByTestId('scan-progress')
      .filter({ hasText: /matched 1$/ })
      .waitFor();
    assert.match((await page.locator('table.messages tbody tr').first().textContent()) ?? '', /order-7/);

    await page.getByLabel('decoding').selectOption('hex');
    assert.match(
      (await page.locator('table.messages tbody tr td pre').nth(1).textContent()) ?? '',
      /^7b 22 69 64/,
    );

    await page.getByLabel('key').fill('from-browser');
    await page.getByLabel('value').fill('{"id":999,"amount":1}');
    await page.getByRole('button', { name: 'produce' }).click();
    await page.getByText(/written to partition \d+ at offset \d+/).waitFor();
    const { stdout } = await run(
      'kcat',
      ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-f', '%k %s\n'],
      {
        timeout: 30_000,
      },
    );
    assert.ok(
      stdout.includes('from-browser {"id":999,"amount":1}'),
      'kcat reads the record produced from the UI',
    );
    await shot('messages-produced');
  });

  test('configs: edit a topic config', async () => {
    await page.goto(`${base}/topics/${topic}/configs`);
    const row = page
      .locator('table.configs tr')
      .filter({ has: page.getByRole('cell', { name: 'retention.ms', exact: true }) });
    await row.getByRole('button', { name: 'edit' }).click();
    await page.getByLabel('value of retention.ms').fill('3600000');
    await row.getByRole('button', { name: 'save' }).click();
    await row.getByText('DYNAMIC_TOPIC_CONFIG').waitFor();
    const { stdout } = await run('node', [
      path.resolve('bin/samsa'),
      'topic',
      'describe',
      topic,
      '-b',
      broker.bootstrap,
    ]);
    assert.match(stdout, /retention\.ms\s*[=:]?\s*3600000/);
    await shot('topic-configs');
  });

  test('consumer groups: list, members, lag, and a reload on the group URL', async () => {
    await page.goto(`${base}/groups`);
    await page.getByRole('link', { name: group }).click();
    await page.waitForURL(`${base}/groups/${group}`);
    await page.getByTestId('group-state').filter({ hasText: 'STABLE' }).waitFor({ timeout: 20_000 });
    await page.reload();
    await page.locator('table.lags tbody tr').nth(2).waitFor();
    assert.equal(await page.locator('table.lags tbody tr').count(), 3);
    await shot('group');
  });

  test('transactions page and an unknown page', async () => {
    await page.goto(`${base}/transactions`);
    await page.getByText('No transactional producers yet.').waitFor();
    await page.goto(`${base}/no/such/page`);
    await page.getByText('Not found').waitFor();
  });

  test('a narrow screen keeps the page within its width', async () => {
    const narrow = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await narrow.goto(`${base}/topics`);
      await narrow.getByRole('link', { name: topic }).waitFor();
      const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      await narrow.screenshot({ path: path.join(shots, 'topics-narrow.png'), fullPage: true });
    } finally {
      await narrow.close();
    }
  });
});

// The console behind admin.authentication.method=BASIC with the ACL authorizer: the browser logs in
// with Basic credentials; a cluster admin sees the Security page, adds and removes an ACL there; a
// user without Describe on the cluster does not get the page.
describe('web console behind Basic authentication', { timeout: 180_000 }, () => {
  let broker: SecureTestBroker;
  let browser: Browser;
  let base: string;
  const shots = screenshotDir('console');

  before(async () => {
    broker = await startSecureBroker({
      config: {
        'admin.authentication.method': 'BASIC',
        'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
        'super.users': 'User:admin',
      },
    });
    await broker.addScramUser('admin', 'admin-password');
    await broker.addScramUser('carol', 'carol-password');
    base = broker.broker.adminUrl!;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await broker?.cleanup();
  });

  test('without a login the console answers 401', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // Headless Chromium has no one to ask for the password, so the navigation fails.
      await assert.rejects(page.goto(`${base}/`), /ERR_INVALID_AUTH_CREDENTIALS/);
      const response = await context.request.get(`${base}/`);
      assert.equal(response.status(), 401);
      assert.equal(response.headers()['www-authenticate'], 'Basic realm="samsa"');
    } finally {
      await context.close();
    }
  });

  test('a cluster admin logs in, opens the Security page and manages an ACL', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: 'admin-password' },
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.getByText('User:admin').waitFor();
      await page.getByRole('link', { name: 'Security' }).click();
      await page.waitForURL(`${base}/security`);
      const users = page.getByRole('table', { name: 'users' });
      await users.getByRole('cell', { name: 'carol', exact: true }).waitFor();
      assert.equal(await users.locator('tbody tr').count(), 2);

      const form = page.getByRole('form', { name: 'add acl' });
      await form.getByLabel('principal').fill('User:carol');
      await form.getByLabel('operation').selectOption('WRITE');
      await form.getByLabel('resource name').fill('payments');
      await form.getByRole('button', { name: 'add acl' }).click();
      const acls = page.getByRole('table', { name: 'acls' });
      const row = acls.locator('tbody tr', { hasText: 'payments' });
      await row.waitFor();
      assert.deepEqual((await row.getByRole('cell').allTextContents()).slice(0, 6), [
        'User:carol',
        'ALLOW',
        'WRITE',
        'TOPIC payments',
        'LITERAL',
        '*',
      ]);
      await page.screenshot({ path: path.join(shots, 'security.png'), fullPage: true });
      // The broker's authorizer holds it (DescribeAcls through the REST client).
      const described = await page.evaluate(async () => {
        const clusters = await (await fetch('/v3/clusters')).json();
        return (await fetch(`/v3/clusters/${clusters.data[0].cluster_id}/acls`)).json();
      });
      assert.ok(described.data.some((a: { resource_name: string }) => a.resource_name === 'payments'));

      await row.getByRole('button', { name: 'delete' }).click();
      await page.getByText('No ACLs.').waitFor();
    } finally {
      await context.close();
    }
  });

  test('a user without Describe on the cluster gets no Security page', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'carol', password: 'carol-password' },
    });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/topics`);
      await page.getByText('User:carol').waitFor();
      assert.equal(await page.getByRole('link', { name: 'Security' }).count(), 0);
      await page.goto(`${base}/security`);
      await page.getByText('User:carol may not describe').waitFor();
    } finally {
      await context.close();
    }
  });
});
