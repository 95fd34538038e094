-- CreateTable
-- Searches per minute, summed over every server node (each flushes its own counts).
CREATE TABLE "search_minutes" (
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "searches" INTEGER NOT NULL,

    CONSTRAINT "search_minutes_pkey" PRIMARY KEY ("minute")
);

-- CreateTable
-- How often each query (its words, normalised) was searched per day: the admin panel's top queries.
CREATE TABLE "query_days" (
    "day" DATE NOT NULL,
    "query" TEXT NOT NULL,
    "searches" INTEGER NOT NULL,

    CONSTRAINT "query_days_pkey" PRIMARY KEY ("day","query")
);

-- CreateIndex
CREATE INDEX "transfers_issued_at_idx" ON "transfers"("issued_at");
