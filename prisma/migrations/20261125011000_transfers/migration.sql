-- CreateTable
-- One row per ticket the server issued: who asked for which file from which sources, and what the
-- downloader reported afterwards.
CREATE TABLE "transfers" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "session_id" UUID,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "mode" TEXT NOT NULL,
    "source_ids" UUID[],
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reported_at" TIMESTAMPTZ(3),
    "ok" BOOLEAN,
    "bytes" BIGINT,
    "source_session_id" UUID,
    "bad_source_ids" UUID[],
    "reason" TEXT,

    CONSTRAINT "transfers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "transfers_user_id_sha256_issued_at_idx" ON "transfers"("user_id", "sha256", "issued_at");

-- CreateIndex
CREATE INDEX "transfers_reported_at_idx" ON "transfers"("reported_at");

-- AddForeignKey
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
