import { SamsaError } from '../util/errors.js';
import { ACL_HELP, aclCommand } from './commands/acl.js';
import { CLUSTER_HELP, clusterCommand } from './commands/cluster.js';
import { CONSUME_HELP, consumeCommand } from './commands/consume.js';
import { groupCommand } from './commands/group.js';
import { PERF_HELP, perfCommand } from './commands/perf.js';
import { PRODUCE_HELP, produceCommand } from './commands/produce.js';
import { QUOTA_HELP, quotaCommand } from './commands/quota.js';
import { UsageError } from './commands/shared.js';
import { START_HELP, startCommand } from './commands/start.js';
import { TLS_HELP, tlsCommand } from './commands/tls.js';
import { TOPIC_HELP, topicCommand } from './commands/topic.js';
import { TXN_HELP, txnCommand } from './commands/txn.js';
import { USER_HELP, userCommand } from './commands/user.js';

type Command = (argv: string[]) => Promise<number>;

/** Each subcommand, with a one-line summary for `samsa --help`. */
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  start: { run: startCommand, summary: 'run a broker' },
  topic: { run: topicCommand, summary: 'create, list, describe, delete and configure topics' },
  produce: { run: produceCommand, summary: 'send stdin lines as records to a topic' },
  consume: { run: consumeCommand, summary: 'print the records of a topic' },
  cluster: { run: clusterCommand, summary: 'cluster id, brokers and controller' },
  group: {
    run: groupCommand,
    summary: 'list, describe (offsets and lag), delete consumer groups; reset offsets',
  },
  txn: { run: txnCommand, summary: 'list and describe transactions' },
  quota: {
    run: quotaCommand,
    summary: 'set, list and delete client quotas (byte rates, request percentage)',
  },
  perf: {
    run: perfCommand,
    summary: 'load tests: produce or consume as fast as possible, with latency percentiles',
  },
  user: { run: userCommand, summary: 'create, list and delete SCRAM users' },
  acl: { run: aclCommand, summary: 'create, list and delete ACLs (kafka-acls.sh)' },
  tls: { run: tlsCommand, summary: 'generate development TLS certificates' },
};

/** Exit codes: 0 success, 1 the operation failed (a Kafka error, no broker), 2 a bad command line. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: samsa <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'samsa <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : EXIT_FAILURE;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`samsa: unknown command '${name}'\n\n${usage()}`);
    return EXIT_FAILURE;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Errors are one line, with the Kafka error name where there is one.
    if (err instanceof UsageError) {
      process.stderr.write(`samsa ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    const message = err instanceof SamsaError ? `${err.kafkaError}: ${err.message}` : (err as Error).message;
    process.stderr.write(`samsa ${name}: ${message}\n`);
    return EXIT_FAILURE;
  }
}

export {
  ACL_HELP,
  CLUSTER_HELP,
  CONSUME_HELP,
  PERF_HELP,
  PRODUCE_HELP,
  QUOTA_HELP,
  START_HELP,
  TLS_HELP,
  TOPIC_HELP,
  TXN_HELP,
  USER_HELP,
};
