-- The team mirror (issue 14): a durable outbox written in the same transaction as every write
-- while a mirror is enabled, and the mirror's configuration and health (one row).
-- Entries are compact references (kind, repository name, ids or nothing), not copies of data:
-- the drainer reads the current rows from the primary when it replays them.
CREATE TABLE mirror_config (
    id                BIGINT PRIMARY KEY CHECK (id = 1),
    url               TEXT NOT NULL,
    enabled           BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    cooldown_seconds  BIGINT NOT NULL DEFAULT 300 CHECK (cooldown_seconds >= 0),
    breaker           TEXT NOT NULL DEFAULT 'closed' CHECK (breaker IN ('closed', 'open', 'half_open')),
    failures          BIGINT NOT NULL DEFAULT 0,
    open_until        BIGINT,
    last_error        TEXT,
    last_error_at     BIGINT,
    last_drain_at     BIGINT,
    drained_entries   BIGINT NOT NULL DEFAULT 0,
    updated_at        BIGINT NOT NULL
);

CREATE TABLE mirror_outbox (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    repository  TEXT,
    payload     TEXT NOT NULL
);
