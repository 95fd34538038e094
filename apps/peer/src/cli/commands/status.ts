import type { Command } from 'commander';
import type { DaemonStatus, DownloadView } from '#contracts';
import { isFinished } from '../../daemon/downloads.js';
import type { Run } from '../command.js';
import type { CliContext } from '../context.js';
import { DaemonClient } from '../daemon-client.js';
import { countOf, formatSize } from '../format.js';
import { describeProgress } from '../progress.js';

/** Finished downloads `status` still mentions (the JSON has every one the peer remembers). */
const ENDED_SHOWN = 5;

export function statusCommand(program: Command, run: Run): void {
  program
    .command('status')
    .description('show the running peer, its downloads, the account and the shared folders')
    .option('--json', 'print JSON')
    .action(
      run(async (context: CliContext, options: { json?: boolean }) => {
        const daemon = await DaemonClient.find(context);
        const status = daemon ? await daemon.status().catch(() => undefined) : undefined;
        const credentials = await context.home.credentials(context.server);
        const { shares } = await context.home.config();
        if (options.json) return context.out(JSON.stringify({ server: context.server, signedInAs: credentials?.username ?? null, shares, peer: status ?? null }));
        context.out(`Server:   ${context.server}${credentials ? ` (signed in as ${credentials.username})` : ' (not signed in)'}`);
        context.out(`Shares:   ${shares.length ? shares.join(', ') : 'none'}`);
        if (!status) return context.out('Peer:     not running (`peerdex up`)');
        for (const line of peerLines(status)) context.out(line);
      }),
    );
}

function peerLines(status: DaemonStatus): string[] {
  const reach = status.connected ? (status.firewalled ? 'firewalled (files reach others by push)' : `reachable at ${status.address}`) : 'reconnecting';
  const lines = [
    status.username
      ? `Peer:     ${status.connected ? `connected, session ${status.sessionId}` : 'disconnected'}; ${reach}`
      : 'Peer:     running, not signed in: sign in with `peerdex login <username>` or on the web UI\u2019s Account page',
    `Serving:  ${countOf(status.files, 'file')} (${formatSize(status.bytes)}) on ${status.endpoint}; ${countOf(status.uploadsInProgress, 'upload')}, ${countOf(status.downloadsInProgress, 'download')} in progress`,
  ];
  if (status.uiUrl) lines.push(`Web UI:   ${status.uiUrl} (\`peerdex ui\` opens it, signed in)`);
  if (status.refused.length) {
    const shown = status.refused.slice(0, 5).map((file) => `${file.path} (${file.reason})`).join(', ');
    lines.push(`Refused:  ${countOf(status.refused.length, 'file')} by the server: ${shown}${status.refused.length > 5 ? `, and ${status.refused.length - 5} more` : ''}`);
  }
  for (const download of status.downloads.filter((view) => !isFinished(view))) lines.push(`Download: ${downloadLine(download)}`);
  for (const download of status.downloads.filter(isFinished).slice(-ENDED_SHOWN)) lines.push(`Ended:    ${endedLine(download)}`);
  return lines;
}

function downloadLine(download: DownloadView): string {
  if (download.state === 'starting') return `${download.sha256.slice(0, 12)}…  asking the server for sources → ${download.outputDir}`;
  const from = download.sources.length ? `, from ${download.sources.join(', ')}` : '';
  return `${download.name}  ${describeProgress(download)}${download.state === 'paused' ? ' (paused)' : ''}${from} → ${download.outputDir}`;
}

function endedLine(download: DownloadView): string {
  const name = download.name ?? download.sha256;
  if (download.state === 'completed') return `${name}: saved as ${download.path}`;
  const kept = download.partPath ? `; ${formatSize(download.bytesDone)} verified kept for \`peerdex get\` to resume` : '';
  return `${name}: ${download.state === 'cancelled' ? 'cancelled' : `failed (${download.reason})`}${kept}`;
}
