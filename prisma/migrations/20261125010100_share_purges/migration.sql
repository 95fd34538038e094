-- CreateTable
-- Index rows waiting to be deleted: a superseded generation of a list, or a whole list that was
-- dropped (generation NULL). Such rows are already invisible to search; the sweeper deletes them
-- in bounded batches so no request ever waits for a 100,000-row delete.
CREATE TABLE "share_purges" (
    "id" BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY,
    "list_id" UUID NOT NULL,
    "generation" INTEGER,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "share_purges_pkey" PRIMARY KEY ("id")
);

-- AlterTable
-- The ILIKE form of a blocklist name pattern (see shares/blocklist-pattern.ts), so SQL applies
-- exactly the rule the server applies at publish.
ALTER TABLE "blocklist" ADD COLUMN "name_like" TEXT;
