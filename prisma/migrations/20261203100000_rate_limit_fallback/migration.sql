-- Rate-limit counters kept in PostgreSQL while Redis is unreachable, so that every node still
-- counts together (rate-limiter-flexible's RateLimiterPostgres; `expire` in ms since the epoch).
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
