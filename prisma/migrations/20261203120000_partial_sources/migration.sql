-- CreateTable
-- Swarming: a peer session downloading a file, with the pieces it has verified (bit i of the
-- bitfield, least significant bit first, is piece i). Grants list these sessions as partial sources
-- next to the complete ones. A row goes when its download ends (swarm:leave) and with its session
-- (the foreign key cascades: disconnect, kick, ban, lease expiry all delete the session row), and
-- grants only read rows of sessions online now, so a node that died leaves nothing behind either.
CREATE TABLE "partial_sources" (
    "session_id" UUID NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "piece_root" TEXT NOT NULL,
    "bitfield" BYTEA NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "partial_sources_pkey" PRIMARY KEY ("session_id","sha256")
);

-- CreateIndex
CREATE INDEX "partial_sources_sha256_idx" ON "partial_sources"("sha256");

-- AddForeignKey
ALTER TABLE "partial_sources" ADD CONSTRAINT "partial_sources_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "peer_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
