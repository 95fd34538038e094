-- DropIndex
DROP INDEX "shared_files_sha256_idx";

-- CreateIndex
-- Finding the online sources of a hash reads only this index (list and generation included), not
-- the file rows: popular content has hundreds of rows per hash.
CREATE INDEX "shared_files_sha256_idx" ON "shared_files"("sha256") INCLUDE ("list_id", "generation");
