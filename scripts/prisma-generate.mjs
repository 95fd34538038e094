#!/usr/bin/env node
// Generates the Prisma client into apps/server/src/generated/prisma.
//
// `prisma generate` itself only needs Prisma's WASM query compiler, but the CLI first tries to
// download its native schema engine from Prisma's CDN, which our machines (and many locked-down
// CI runners) cannot reach. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file makes the
// CLI skip that download; generate never executes it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('../package.json', import.meta.url));

const result = spawnSync('npx', ['prisma', 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
