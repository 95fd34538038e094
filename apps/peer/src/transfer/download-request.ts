import { z } from 'zod';
import { MAX_FILE_SIZE, Sha256Schema, formatIssues, describeIssues } from '#contracts';
import { fileNameProblem } from './part-file.js';

export const DownloadSourceSchema = z.object({
  /** the source's peer session id, as the ticket's `src` names it */
  sessionId: z.string().min(1),
  /** base URL of its peer endpoint, e.g. http://203.0.113.9:6699 (peers serve plain HTTP) */
  url: z.url({ protocol: /^http$/, error: 'must be an http:// URL' }),
  /** its user, as the grant names it: how the source is named in messages */
  username: z.string().min(1).optional(),
  /** a peer still downloading the file: it has only the pieces of `bitfield` (see contracts' swarm.ts) */
  partial: z.boolean().optional(),
  bitfield: z.string().max(200_000).optional(),
});
export type DownloadSource = z.infer<typeof DownloadSourceSchema>;

export const DownloadRequestSchema = z.object({
  sha256: Sha256Schema,
  size: z.number().int().min(0).max(MAX_FILE_SIZE),
  /** null for files whose pieces cannot be checked (third-party listings): whole-file check only */
  pieceRoot: Sha256Schema.nullable(),
  name: z.string().superRefine((name, ctx) => {
    const problem = fileNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  sources: z.array(DownloadSourceSchema).max(50),
  ticket: z.string().min(1),
  outputDir: z.string().min(1),
});
export type DownloadRequest = z.input<typeof DownloadRequestSchema>;
export type ValidDownloadRequest = z.output<typeof DownloadRequestSchema>;

export class InvalidDownloadRequestError extends Error {}

export function parseDownloadRequest(input: unknown): ValidDownloadRequest {
  const parsed = DownloadRequestSchema.safeParse(input);
  if (!parsed.success) throw new InvalidDownloadRequestError(`invalid download request: ${formatIssues(describeIssues(parsed.error))}`);
  return parsed.data;
}

export interface DownloadProgress {
  bytesDone: number;
  bytesTotal: number;
  /** over the last few seconds */
  bytesPerSecond: number;
  activeSources: number;
}

/** The result of a download; what the peer reports to the server as transfer:report. */
export interface DownloadOutcome {
  ok: boolean;
  /** bytes fetched from sources (or received by push) in this run, verified and stored */
  bytes: number;
  sha256: string;
  /** the complete file, when ok */
  path: string | null;
  /** session ids of the sources that delivered verified pieces */
  sourcesUsed: string[];
  /** session ids of the sources caught sending bytes that failed verification */
  badSources: string[];
  reason?: string;
  /** a file with this content already existed: nothing was downloaded */
  alreadyComplete?: boolean;
  /** bytes a previous run had already stored and that verified again */
  resumedBytes?: number;
  /** of `bytes`, those delivered by partial sources: other downloaders (swarming) */
  partialBytes?: number;
}
