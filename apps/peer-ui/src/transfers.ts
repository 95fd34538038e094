import type { DownloadView } from '@contracts/daemon';
import { api } from './api';

/** Starts downloads into the download folder of the settings; resolves with how many started. */
export async function startDownloads(sha256: string[]): Promise<number> {
  const answer = await api<{ downloads: Array<{ download: DownloadView; alreadyRunning: boolean }> }>('POST', '/downloads/batch', { sha256 });
  return answer.downloads.filter((each) => !each.alreadyRunning).length;
}
