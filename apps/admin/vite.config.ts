import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The panel is served by the directory server at /admin (see apps/server/src/moderation/admin-panel.ts),
 * built into dist/admin beside the server's own build so that one `npm run build` and one image
 * carry both. In development, `npx vite apps/admin` proxies the API to a server on port 3000.
 */
export default defineConfig({
  root: here('.'),
  base: '/admin/',
  plugins: [react()],
  resolve: {
    // Only these browser-safe contract files: the contracts' index also pulls in node-only code.
    alias: {
      '@contracts/admin': here('../../libs/contracts/src/admin.ts'),
      '@contracts/search': here('../../libs/contracts/src/search.ts'),
      '@contracts/auth': here('../../libs/contracts/src/auth.ts'),
      '@contracts/units': here('../../libs/contracts/src/units.ts'),
      '@contracts/errors': here('../../libs/contracts/src/errors.ts'),
    },
  },
  build: {
    outDir: here('../../dist/admin'),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the panel: separate chunks stay cached across releases.
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
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
