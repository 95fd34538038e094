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
    seeding: config.seeding ?? true,
  };
}

export async function updateSettings(home: PeerHome, patch: SettingsPatch): Promise<PeerSettings> {
  const config = await home.config();
  await home.saveConfig({ ...config, ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) });
  return readSettings(home);
}
