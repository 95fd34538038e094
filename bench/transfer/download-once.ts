import { downloadFile } from '../../apps/peer/src/transfer/downloader.js';

/**
 * One verified download in its own process, as a peer would do it. Usage: node download-once.js
 * '<DownloadRequest JSON>'. Prints {"seconds": …, "outcome": …} measured from the call to the
 * final rename (like curl's speed, process start-up excluded).
 */
const request = JSON.parse(process.argv[2]!);
const started = performance.now();
const outcome = await downloadFile(request);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, outcome })}\n`);
process.exit(outcome.ok ? 0 : 1);
