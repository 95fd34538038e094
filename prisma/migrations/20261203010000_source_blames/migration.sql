-- CreateTable
-- A downloader's report that a source session sent bytes failing verification for one file. A
-- session is no longer offered as a source of that file to the downloader who blamed it, nor to
-- anyone once BLAMES_TO_DELIST (2) distinct downloaders have (libs/contracts/src/transfers.ts).
CREATE TABLE "source_blames" (
    "session_id" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "reporter_id" UUID NOT NULL,
    "source_user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_blames_pkey" PRIMARY KEY ("session_id","sha256","reporter_id")
);

-- CreateIndex
CREATE INDEX "source_blames_created_at_idx" ON "source_blames"("created_at");

-- CreateIndex
CREATE INDEX "source_blames_source_user_id_idx" ON "source_blames"("source_user_id");

-- CreateIndex
CREATE INDEX "source_blames_reporter_id_idx" ON "source_blames"("reporter_id");

-- AddForeignKey
ALTER TABLE "source_blames" ADD CONSTRAINT "source_blames_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_blames" ADD CONSTRAINT "source_blames_source_user_id_fkey" FOREIGN KEY ("source_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
