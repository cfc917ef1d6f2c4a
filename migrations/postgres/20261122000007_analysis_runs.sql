-- Analysis runs: what was asked (kind, parameters JSON), the history it saw (revision JSON: ref
-- targets and commit count, or the commit read), how it went (status, times, error) and the
-- result as versioned JSON. `run_key` hashes question and history: an unchanged pair reuses the
-- newest done result. Times are Unix seconds.
CREATE TABLE analysis_runs (
    id              BIGSERIAL PRIMARY KEY,
    repository_id   BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    parameters      TEXT NOT NULL,
    revision        TEXT NOT NULL,
    run_key         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    created_at      BIGINT NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    duration_ms     BIGINT,
    result_version  BIGINT,
    result          TEXT,
    error_code      TEXT,
    error           TEXT
);
CREATE INDEX analysis_runs_reuse ON analysis_runs (repository_id, kind, run_key, status);
CREATE INDEX analysis_runs_recent ON analysis_runs (repository_id, id);
