#!/usr/bin/env node
// The `peerdex` command. It runs the compiled client from the repository's dist/ (built by
// `npm install`, `npm run build` or `npm start`); `npm install --global ./apps/peer` links this
// file onto the PATH, and Node follows the link back into the clone.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../../dist/apps/peer/src/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('peerdex: the client is not built yet; run `npm run build` in the Peerdex repository\n');
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const { main } = await import(entry);
process.exitCode = await main(process.argv, { version });
