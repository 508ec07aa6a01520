/** `samsa tls gen-dev-certs DIR`: a development CA, broker and client certificate (PEM). */
import { parseArgs } from 'node:util';
import { DEV_CERT_FILES, writeDevCertificates } from '../../security/tls/dev-certs.js';
import { out, runSubcommand, UsageError } from './shared.js';

export const TLS_HELP = `Usage: samsa tls gen-dev-certs <dir> [options]

Writes a development CA, a broker certificate for the given hosts and a client certificate
(ECDSA P-256, PEM) into <dir>. For development and tests only: the CA key is written too.

Options:
  --hosts <a,b,...>          broker certificate host names and IPs (default localhost,127.0.0.1,::1)
  --client-name <cn>         CN of the client certificate (default client)
  --days <n>                 validity in days (default 365)
  -h, --help                 show this help

Broker (server.properties):
  ssl.keystore.type=PEM
  ssl.keystore.location=<dir>/${DEV_CERT_FILES.brokerKeystore}
  ssl.truststore.location=<dir>/${DEV_CERT_FILES.caCert}
Client (client.properties):
  security.protocol=SSL
  ssl.truststore.location=<dir>/${DEV_CERT_FILES.caCert}
  ssl.keystore.location=<dir>/${DEV_CERT_FILES.clientKeystore}   (for ssl.client.auth)
`;

export function tlsCommand(argv: string[]): Promise<number> {
  return runSubcommand('tls', TLS_HELP, { 'gen-dev-certs': { run: genDevCerts, help: TLS_HELP } }, argv);
}

async function genDevCerts(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('tls gen-dev-certs takes one directory');
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1))
    throw new UsageError('--days expects a positive integer');
  const hosts = values.hosts
    ?.split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const files = writeDevCertificates(positionals[0]!, {
    hosts,
    clientName: values['client-name'],
    validDays: days,
  });
  out(`${files.join('\n')}\n`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      hosts: { type: 'string' },
      'client-name': { type: 'string' },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
