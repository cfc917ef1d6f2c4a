-- Backup schedules: a cron expression (evaluated in `timezone`, or the machine's local zone when
-- NULL) or a fixed interval, the folders to write to, an optional retention policy (JSON), and the
-- next run and last outcome. Times are Unix seconds (UTC).
CREATE TABLE backup_schedules (
    id                BIGSERIAL PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('cron', 'interval')),
    cron              TEXT,
    timezone          TEXT,
    interval_seconds  BIGINT CHECK (interval_seconds > 0),
    destinations      TEXT NOT NULL,
    retention         TEXT,
    enabled           BOOLEAN NOT NULL DEFAULT TRUE,
    next_run_at       BIGINT,
    last_run_at       BIGINT,
    last_result       TEXT CHECK (last_result IN ('ok', 'partial', 'failed')),
    last_duration_ms  BIGINT,
    last_error        TEXT,
    last_backup       TEXT,
    created_at        BIGINT NOT NULL,
    CHECK ((kind = 'cron') = (cron IS NOT NULL)),
    CHECK ((kind = 'interval') = (interval_seconds IS NOT NULL))
);
