import { z } from 'zod';
import { FileEntrySchema } from './files.js';

/** Entries per share:sync batch and per share:delta list. */
export const MAX_SHARE_BATCH = 5000;

/**
 * share:sync: a session's whole share list, in batches. Each batch is checked entry by entry;
 * the batch with `final: true` replaces the session's list atomically with everything received
 * since the first batch. `files` is an array of unknown values on purpose: invalid entries are
 * reported one by one in the acknowledgement instead of failing the batch.
 */
export const ShareSyncSchema = z.strictObject({
  files: z.array(z.unknown()).max(MAX_SHARE_BATCH, `must hold at most ${MAX_SHARE_BATCH} entries per batch`),
  final: z.boolean(),
  /** the peer's digest of the complete list; kept with it so a reconnect offering the same digest skips resending */
  digest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type ShareSync = z.infer<typeof ShareSyncSchema>;

export interface RejectedEntry {
  /** position of the entry in its batch */
  index: number;
  reason: string;
}

export interface ShareSyncResult {
  /** valid entries of this batch, now staged (or live, after the final batch) */
  accepted: number;
  rejected: RejectedEntry[];
  /** after the final batch: the size of the session's live list */
  fileCount?: number;
}

export const ShareDeltaSchema = z.strictObject({
  added: z.array(z.unknown()).max(MAX_SHARE_BATCH).default([]),
  /** paths of entries to remove */
  removed: z.array(z.string().max(4096)).max(MAX_SHARE_BATCH).default([]),
  /** the peer's digest of its whole list after this change (see ShareSync.digest) */
  digest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type ShareDelta = z.infer<typeof ShareDeltaSchema>;

export interface ShareDeltaResult {
  added: number;
  removed: number;
  rejected: RejectedEntry[];
  fileCount: number;
}

/** Validates entries one by one, as the server does; exported so clients can pre-check. */
export function partitionEntries(files: unknown[]): { valid: Array<{ index: number; entry: z.output<typeof FileEntrySchema> }>; rejected: RejectedEntry[] } {
  const valid: Array<{ index: number; entry: z.output<typeof FileEntrySchema> }> = [];
  const rejected: RejectedEntry[] = [];
  files.forEach((file, index) => {
    const result = FileEntrySchema.safeParse(file);
    if (result.success) valid.push({ index, entry: result.data });
    else rejected.push({ index, reason: result.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ') });
  });
  return { valid, rejected };
}
