import { notifications } from '@mantine/notifications';
import type { DownloadView } from '@contracts/daemon';
import { api, describeError } from './api';
import { countOf } from './format';

/**
 * Starts downloads into the settings' download folder and says how it went: "Downloading x" for
 * one file, "3 downloads started" for several (those already running are not counted twice).
 * Resolves true when the peer took them.
 */
export async function downloadFiles(files: Array<{ sha256: string; name: string }>): Promise<boolean> {
  try {
    const answer = await api<{ downloads: Array<{ download: DownloadView; alreadyRunning: boolean }> }>('POST', '/downloads/batch', {
      sha256: files.map((file) => file.sha256),
    });
    const started = answer.downloads.filter((each) => !each.alreadyRunning).length;
    const message = files.length === 1 ? `Downloading ${files[0]!.name}: see Transfers` : `${countOf(started, 'download')} started: see Transfers`;
    notifications.show({ color: 'teal', message: started === 0 ? 'Already downloading: see Transfers' : message });
    return true;
  } catch (error) {
    notifications.show({ color: 'red', title: 'Not started', message: describeError(error) });
    return false;
  }
}
