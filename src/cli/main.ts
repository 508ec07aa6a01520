import { SamsaError } from '../util/errors.js';
import { START_HELP, startCommand } from './commands/start.js';

type Command = (argv: string[]) => Promise<number>;

/** Each subcommand, with a one-line summary for `samsa --help`. */
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  start: { run: startCommand, summary: 'run a broker' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: samsa <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'samsa <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`samsa: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Errors are one line, with the Kafka error name where there is one.
    const message = err instanceof SamsaError ? `${err.kafkaError}: ${err.message}` : (err as Error).message;
    process.stderr.write(`samsa ${name}: ${message}\n`);
    return 1;
  }
}

export { START_HELP };
