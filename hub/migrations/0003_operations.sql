-- Operations: terminals' heartbeats and sites, pushed configurations, one row per session for the figures,
-- clerks' decisions on cases (first-time success) and the follow-up of bad ratings.

-- The last heartbeat of each terminal (the fleet view); street and community come from it.
CREATE TABLE heartbeats (
    terminal_id TEXT PRIMARY KEY,
    street TEXT NOT NULL,
    community TEXT NOT NULL,
    body TEXT NOT NULL,
    received_ms BIGINT NOT NULL
);

-- A whole kiosk.toml for a terminal: pending → sent → applied or refused (with the terminal's words).
CREATE TABLE config_pushes (
    id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    toml TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX config_pushes_terminal ON config_pushes (terminal_id, state, created_ms);

-- One row per session's figures (the records table keeps the JSON); columns the figures need, summed by SQL.
CREATE TABLE sessions (
    idempotency_key TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    -- The session's day in Shanghai, YYYY-MM-DD.
    day TEXT NOT NULL,
    item_code TEXT NOT NULL,
    outcome TEXT NOT NULL,
    fields_shown BIGINT NOT NULL,
    prefilled_unchanged BIGINT NOT NULL,
    -- First touch of the item until submission, submitted sessions only.
    application_ms BIGINT,
    -- 1 when the resident asked for a person (帮办 or 视频办).
    help_asked BIGINT NOT NULL,
    -- Request until a person answered, when one did.
    help_first_ms BIGINT,
    rating BIGINT
);
CREATE INDEX sessions_day ON sessions (day);

-- A clerk's decision on a case: accepted, correction (补正) or rejected. Absent: not decided yet.
CREATE TABLE case_decisions (
    case_number TEXT PRIMARY KEY,
    decision TEXT NOT NULL,
    clerk TEXT NOT NULL,
    decided_ms BIGINT NOT NULL
);

-- The follow-up of a bad rating (差评, levels 1 and 2), by the rating's idempotency key.
CREATE TABLE follow_ups (
    rating_key TEXT PRIMARY KEY,
    clerk TEXT NOT NULL,
    note TEXT NOT NULL,
    done_ms BIGINT NOT NULL
);
