import { z } from 'zod';
import { FileTypeSchema } from '#contracts';

/**
 * Changes to what search sees, published by the node that committed them to PostgreSQL (after
 * the commit) and applied by every node's index (docs/architecture.md, "Search"). An event either
 * carries what it changes (cheap to send) or names what to read again from PostgreSQL (a share
 * list). Applying one twice, or after a load that already saw it, changes nothing.
 */
const Uuid = z.uuid();
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const IndexedFileSchema = z.object({
  path: z.string(),
  name: z.string(),
  words: z.array(z.string()),
  size: z.number().nonnegative(),
  sha256: Sha256,
  ext: z.string(),
  type: FileTypeSchema,
  pieceRoot: z.string().nullable(),
});

export const SearchEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('session'),
    session: z.object({
      id: Uuid,
      userId: Uuid,
      username: z.string(),
      usernameKey: z.string(),
      firewalled: z.boolean(),
      connectedAt: z.number(),
      lastSeenAt: z.number(),
    }),
  }),
  z.object({ kind: z.literal('reachability'), sessionId: Uuid, firewalled: z.boolean() }),
  z.object({ kind: z.literal('heartbeats'), heartbeats: z.array(z.tuple([Uuid, z.number()])) }),
  z.object({ kind: z.literal('sessions-ended'), sessionIds: z.array(Uuid) }),
  /** a list made live (full sync) or handed to a session (adopted): read it again */
  z.object({ kind: z.literal('list'), listId: Uuid }),
  z.object({ kind: z.literal('delta'), listId: Uuid, removedPaths: z.array(z.string()), added: z.array(IndexedFileSchema) }),
  z.object({ kind: z.literal('takedown'), sha256: Sha256 }),
  /** an entry added or removed: read the blocklist again */
  z.object({ kind: z.literal('blocklist') }),
  /** blames recorded: read their counts again */
  z.object({ kind: z.literal('blames'), sha256: Sha256, sessionIds: z.array(Uuid) }),
]);

export type SearchEvent = z.infer<typeof SearchEventSchema>;
