import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FileEntry, SharesView } from '#contracts';
import type { PeerHome } from '../cli/peer-home.js';
import type { ShareCatalogue } from '../shares/catalogue.js';
import { isWithin, placeFolder } from '../shares/share-folders.js';
import type { SkippedFile } from '../shares/scan-folders.js';
import { ControlError } from './control-routes.js';
import type { Refusals } from './refusals.js';

export interface ShareState {
  folders: string[];
  published: FileEntry[];
  refusals: Refusals;
  skipped: SkippedFile[];
  hashing: SharesView['hashing'];
  catalogue: ShareCatalogue;
}

/** The shared folders with what each publishes, the refused and skipped files, and hashing progress. */
export function sharesView(state: ShareState): SharesView {
  const served = new Set(state.published.filter((entry) => !state.refusals.has(entry.path)).map((entry) => entry.path));
  const files = state.catalogue.all().filter((entry) => served.has(entry.publishedPath));
  const folders = state.folders.map((path) => {
    const inside = files.filter((entry) => isWithin(entry.absolutePath, path));
    return { path, files: inside.length, bytes: inside.reduce((sum, entry) => sum + entry.size, 0), present: existsSync(path) };
  });
  return {
    folders,
    files: files.length,
    bytes: files.reduce((sum, entry) => sum + entry.size, 0),
    refused: state.refusals.list(),
    skipped: state.skipped.map((file) => ({ path: file.absolutePath, reason: file.reason })),
    hashing: state.hashing,
  };
}

/**
 * Shares a folder typed in the web UI, as `peerdex share` does: a folder inside a shared one is
 * shared already (409), a parent takes the shared folders inside it in.
 */
export async function addShare(home: PeerHome, path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ControlError(400, `path: ${path} does not exist`);
  if (!info.isDirectory()) throw new ControlError(400, `path: ${path} is not a folder`);
  const config = await home.config();
  const { container, inside } = await placeFolder(path, config.shares);
  if (container) throw new ControlError(409, container === path ? `${path} is shared already` : `${path} is part of the shared folder ${container} already`);
  await home.saveConfig({ ...config, shares: [...config.shares.filter((share) => !inside.includes(share)), path] });
}

export async function removeShare(home: PeerHome, path: string): Promise<void> {
  const config = await home.config();
  if (!config.shares.includes(path)) {
    const { container } = await placeFolder(path, config.shares);
    throw new ControlError(404, container ? `${path} is not shared on its own: it is part of the shared folder ${container}` : `${path} is not shared`);
  }
  await home.saveConfig({ ...config, shares: config.shares.filter((share) => share !== path) });
}
