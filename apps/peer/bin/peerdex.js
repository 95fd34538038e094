#!/usr/bin/env node
// The `peerdex` command. It runs the compiled client from the repository's dist/ (built by
// `npm install`, `npm run build` or `npm start`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../../dist/apps/peer/src/cli/bin.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('peerdex: the client is not built yet; run `npm run build` in the Peerdex repository\n');
  process.exit(1);
}
await import(entry);
