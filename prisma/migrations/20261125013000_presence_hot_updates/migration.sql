-- DropIndex
-- Heartbeats rewrite last_seen_at of every online session every few seconds. With no index on the
-- column those updates are HOT (no new index entries), so the table and its indexes stay small
-- between vacuums; the sweeper's scan for expired leases reads a small table and needs no index.
DROP INDEX "peer_sessions_last_seen_at_idx";

-- AlterTable
-- Free room in every page, so the new version of an updated row fits beside the old one (HOT).
ALTER TABLE "peer_sessions" SET (fillfactor = 50);
