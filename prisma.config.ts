import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (generate, and migrate on machines that can download Prisma's schema
// engine). The server builds its own connection from validated configuration.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/peerdex' },
});
