-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('open', 'resolved', 'dismissed');

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY,
    "actor_id" UUID NOT NULL,
    "actor_username" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "target_label" TEXT,
    "reason" TEXT,
    "detail" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reports" (
    "id" UUID NOT NULL,
    "reporter_id" UUID NOT NULL,
    "target_sha256" TEXT,
    "target_user_id" UUID,
    "reason" TEXT NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" UUID,
    "note" TEXT,

    CONSTRAINT "reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_log_action_id_idx" ON "audit_log"("action", "id");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_id_idx" ON "audit_log"("actor_id", "id");

-- CreateIndex
CREATE INDEX "reports_status_created_at_idx" ON "reports"("status", "created_at");

-- CreateIndex
CREATE INDEX "reports_created_at_idx" ON "reports"("created_at");

-- CreateIndex
CREATE INDEX "reports_target_sha256_idx" ON "reports"("target_sha256");

-- CreateIndex
CREATE INDEX "reports_target_user_id_idx" ON "reports"("target_user_id");

-- AddForeignKey
ALTER TABLE "reports" ADD CONSTRAINT "reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reports" ADD CONSTRAINT "reports_target_user_id_fkey" FOREIGN KEY ("target_user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reports" ADD CONSTRAINT "reports_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- What Prisma's schema language cannot express follows, written by hand.

-- A report names exactly one target: a file (by content hash) or a user.
ALTER TABLE "reports" ADD CONSTRAINT "reports_one_target_check"
    CHECK (("target_sha256" IS NULL) <> ("target_user_id" IS NULL));

-- One open report per reporter and target: a second one would only lengthen the queue.
CREATE UNIQUE INDEX "reports_open_file_per_reporter_key" ON "reports"("reporter_id", "target_sha256") WHERE "status" = 'open' AND "target_sha256" IS NOT NULL;
CREATE UNIQUE INDEX "reports_open_user_per_reporter_key" ON "reports"("reporter_id", "target_user_id") WHERE "status" = 'open' AND "target_user_id" IS NOT NULL;

-- The audit log is append-only, and the database enforces it rather than trusting every code path:
-- a moderator's record must survive a bug, a careless script or a compromised application role
-- editing history. Rows are written in the same transaction as the action they record; UPDATE,
-- DELETE and TRUNCATE are refused. (Deliberate retention, if ever needed, means a migration that
-- drops the triggers on purpose, which shows up in review.)
-- The actor is stored by id and by the username at the time, without a foreign key, so that
-- neither a rename nor a deleted account can change or remove history.
CREATE FUNCTION "audit_log_refuse_change"() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_log_no_update_or_delete"
    BEFORE UPDATE OR DELETE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "audit_log_refuse_change"();

CREATE TRIGGER "audit_log_no_truncate"
    BEFORE TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_refuse_change"();
