-- CreateEnum
CREATE TYPE "FileType" AS ENUM ('audio', 'video', 'image', 'document', 'archive', 'other');

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "peer_sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "node_id" TEXT NOT NULL,
    "address" TEXT,
    "firewalled" BOOLEAN NOT NULL DEFAULT true,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "peer_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "share_lists" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "session_id" UUID,
    "digest" TEXT,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "staging_generation" INTEGER,
    "file_count" INTEGER NOT NULL DEFAULT 0,
    "total_bytes" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "detached_at" TIMESTAMPTZ(3),

    CONSTRAINT "share_lists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shared_files" (
    "id" BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY,
    "list_id" UUID NOT NULL,
    "generation" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "words" TEXT[] NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "ext" TEXT NOT NULL,
    "type" "FileType" NOT NULL,
    "mtime" BIGINT,
    "mime" TEXT,
    "piece_root" TEXT,

    CONSTRAINT "shared_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
-- The word index of file names: one row per (word, file). Byte order ("C") so that a word
-- prefix is one contiguous range of the primary key.
CREATE TABLE "file_words" (
    "word" TEXT COLLATE "C" NOT NULL,
    "file_id" BIGINT NOT NULL,

    CONSTRAINT "file_words_pkey" PRIMARY KEY ("word","file_id")
);

-- CreateTable
CREATE TABLE "blocklist" (
    "id" UUID NOT NULL,
    "sha256" TEXT,
    "pattern" TEXT,
    "reason" TEXT NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blocklist_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_user_id_idx" ON "api_keys"("user_id");

-- CreateIndex
CREATE INDEX "peer_sessions_user_id_idx" ON "peer_sessions"("user_id");

-- CreateIndex
CREATE INDEX "peer_sessions_last_seen_at_idx" ON "peer_sessions"("last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "share_lists_session_id_key" ON "share_lists"("session_id");

-- CreateIndex
CREATE INDEX "share_lists_user_id_digest_idx" ON "share_lists"("user_id", "digest");

-- CreateIndex
CREATE UNIQUE INDEX "shared_files_list_id_generation_path_key" ON "shared_files"("list_id", "generation", "path");

-- CreateIndex
CREATE INDEX "shared_files_sha256_idx" ON "shared_files"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "blocklist_sha256_key" ON "blocklist"("sha256");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "peer_sessions" ADD CONSTRAINT "peer_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_lists" ADD CONSTRAINT "share_lists_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_lists" ADD CONSTRAINT "share_lists_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "peer_sessions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "blocklist" ADD CONSTRAINT "blocklist_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
