import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { TicketKeySetSchema, describeIssues, formatIssues } from '#contracts';
import { PeerServer } from '../http/peer-server.js';
import { TicketVerifier } from '../http/ticket-verifier.js';
import { ShareLibrary } from '../shares/share-library.js';

/**
 * A peer endpoint on its own, without the directory server: shares folders and serves them to
 * ticket holders. For development, end-to-end tests and the transfer benchmark.
 *
 *   node dist/apps/peer/src/standalone/serve.js --share DIR [--share DIR...] --state DIR \
 *     --keys JWKS.json --session UUID [--port 0] [--host 127.0.0.1] [--slots 4] [--rate BYTES_PER_S] \
 *     [--idle-timeout-ms 30000] [--write-timeout-ms 60000]
 */
const ArgsSchema = z.object({
  share: z.array(z.string().min(1)).min(1, 'at least one --share folder is required'),
  state: z.string().min(1, 'is required'),
  keys: z.string().min(1, 'is required'),
  session: z.uuid(),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  host: z.string().default('127.0.0.1'),
  slots: z.coerce.number().int().min(1).max(1000).default(4),
  rate: z.coerce.number().int().min(1).optional(),
  'idle-timeout-ms': z.coerce.number().int().min(1).optional(),
  'write-timeout-ms': z.coerce.number().int().min(1).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      share: { type: 'string', multiple: true },
      state: { type: 'string' },
      keys: { type: 'string' },
      session: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      slots: { type: 'string' },
      rate: { type: 'string' },
      'idle-timeout-ms': { type: 'string' },
      'write-timeout-ms': { type: 'string' },
    },
  });
  const args = ArgsSchema.safeParse(values);
  if (!args.success) throw new Error(formatIssues(describeIssues(args.error).map((issue) => ({ ...issue, field: `--${issue.field.split('.')[0]}` }))));
  const options = args.data;

  const keys = TicketKeySetSchema.parse(JSON.parse(await readFile(options.keys, 'utf8'))) as JSONWebKeySet;
  const library = await ShareLibrary.open({ folders: options.share, stateDir: options.state });
  const report = await library.scan();
  const server = new PeerServer({
    catalogue: library.catalogue,
    tickets: new TicketVerifier({ keys: async () => keys }),
    sessionId: () => options.session,
    uploadSlots: options.slots,
    uploadBytesPerSecond: options.rate,
    idleTimeoutMs: options['idle-timeout-ms'],
    writeTimeoutMs: options['write-timeout-ms'],
    log: (line) => process.stdout.write(`peer: ${line}\n`),
    onStaleFile: (entry) => {
      library.refreshFile(entry.absolutePath).catch((error: unknown) => process.stderr.write(`peer: could not re-hash ${entry.absolutePath}: ${String(error)}\n`));
    },
  });
  const url = await server.listen(options.port, options.host);
  process.stdout.write(`peer listening on ${url} (${report.entries.length} files, ${report.hashed} hashed, ${report.fromCache} from cache)\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`peer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
