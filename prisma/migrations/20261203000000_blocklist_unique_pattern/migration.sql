-- A name pattern may be on the blocklist once. Patterns match ignoring case (ILIKE at purge time,
-- case-insensitive in Node at publish), so the same pattern in another case is the same entry:
-- the index is on lower(pattern), PostgreSQL's own case folding, the one ILIKE uses. Prisma's
-- schema language cannot declare an index on an expression; schema.prisma says so in a comment.

-- Patterns added twice before this migration block the same names: keep the oldest of each.
-- The audit log keeps the record of both additions.
DELETE FROM "blocklist" AS later
USING "blocklist" AS earlier
WHERE later."pattern" IS NOT NULL
  AND lower(later."pattern") = lower(earlier."pattern")
  AND (earlier."created_at", earlier."id") < (later."created_at", later."id");

-- CreateIndex
CREATE UNIQUE INDEX "blocklist_pattern_lower_key" ON "blocklist"(lower("pattern"));
