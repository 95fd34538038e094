import { downloadFile } from '../../apps/peer/src/transfer/downloader.js';

/**
 * One verified download in its own process, as a peer would do it. Usage: node download-once.js
 * '<DownloadRequest JSON>'. Prints {"seconds", "cpuSeconds", "outcome"} measured from the call to the
 * final rename (like curl's speed, process start-up excluded).
 */
const request = JSON.parse(process.argv[2]!);
const started = performance.now();
const cpuBefore = process.cpuUsage();
const outcome = await downloadFile(request);
const seconds = (performance.now() - started) / 1000;
// user + system time of every thread of this process (the hashing worker included)
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds, outcome })}\n`);
process.exit(outcome.ok ? 0 : 1);
