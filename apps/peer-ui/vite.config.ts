import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The peer's web UI, served by `peerdex up` on 127.0.0.1 (see apps/peer/src/daemon/ui-assets.ts),
 * built into dist/peer-ui beside the client's own build. In development, `npx vite apps/peer-ui`
 * proxies the API to a daemon started with `peerdex up --ui-port 6680` (sign in through
 * `peerdex ui` on that port first: the cookie is sent to every port of 127.0.0.1).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    // Only these browser-safe contract files: the contracts' index also pulls in node-only code.
    alias: {
      '@contracts/daemon': here('../../libs/contracts/src/daemon.ts'),
      '@contracts/search': here('../../libs/contracts/src/search.ts'),
      '@contracts/auth': here('../../libs/contracts/src/auth.ts'),
      '@contracts/files': here('../../libs/contracts/src/files.ts'),
      '@contracts/units': here('../../libs/contracts/src/units.ts'),
      '@contracts/errors': here('../../libs/contracts/src/errors.ts'),
    },
  },
  build: {
    outDir: here('../../dist/peer-ui'),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/ },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:6680' },
  },
});
