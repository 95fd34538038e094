import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PeerSettings, SettingsPatch } from '#contracts';
import type { PeerHome } from '../cli/peer-home.js';

export const DEFAULT_UPLOAD_SLOTS = 4;

/** The settings the web UI edits, kept in config.json beside the shared folders. */
export async function readSettings(home: PeerHome): Promise<PeerSettings> {
  const config = await home.config();
  return {
    downloadDir: config.downloadDir ?? join(homedir(), 'Downloads'),
    uploadSlots: config.uploadSlots ?? DEFAULT_UPLOAD_SLOTS,
    uploadBytesPerSecond: config.uploadBytesPerSecond ?? null,
    seeding: config.seed !== false,
  };
}

export async function updateSettings(home: PeerHome, patch: SettingsPatch): Promise<PeerSettings> {
  const { seeding, ...rest } = patch;
  const config = await home.config();
  const changes = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  // Seeding is the `seed` key that `peerdex seeding on|off` and `get` read too.
  await home.saveConfig({ ...config, ...changes, ...(seeding === undefined ? {} : { seed: seeding }) });
  return readSettings(home);
}
