import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PeerServer, type PeerServerOptions } from '../http/peer-server.js';
import type { UploadRecord } from '../http/serve-file.js';
import { TicketVerifier } from '../http/ticket-verifier.js';
import type { CatalogueEntry } from '../shares/catalogue.js';
import { ShareLibrary } from '../shares/share-library.js';
import type { TicketAuthority } from './ticket-authority.js';

/** Test and benchmark support: a real peer endpoint in this process, sharing a temporary folder. */
export interface PeerFixture {
  url: string;
  sessionId: string;
  shareDir: string;
  library: ShareLibrary;
  server: PeerServer;
  uploads: UploadRecord[];
  staleReports: CatalogueEntry[];
  close(): Promise<void>;
}

export async function startPeerFixture(
  authority: TicketAuthority,
  files: Record<string, Uint8Array | string>,
  options: Partial<Omit<PeerServerOptions, 'catalogue' | 'tickets'>> = {},
): Promise<PeerFixture> {
  const root = await mkdtemp(join(tmpdir(), 'peerdex-peer-'));
  const shareDir = join(root, 'shared');
  await mkdir(shareDir);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(shareDir, path)), { recursive: true });
    await writeFile(join(shareDir, path), content);
  }
  const library = await ShareLibrary.open({ folders: [shareDir], stateDir: join(root, 'state') });
  await library.scan();
  const sessionId = randomUUID();
  const uploads: UploadRecord[] = [];
  const staleReports: CatalogueEntry[] = [];
  const server = new PeerServer({
    catalogue: library.catalogue,
    tickets: new TicketVerifier({ keys: authority.keySource }),
    sessionId: () => sessionId,
    onUpload: (record) => uploads.push(record),
    onStaleFile: (entry) => staleReports.push(entry),
    ...options,
  });
  const url = await server.listen();
  return {
    url,
    sessionId,
    shareDir,
    library,
    server,
    uploads,
    staleReports,
    close: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
