-- The remote virtual window: clerks who log in to the console, and one row per call for the figures.
CREATE TABLE clerks (
    name TEXT PRIMARY KEY,
    -- argon2id in the PHC string format.
    password_hash TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE calls (
    id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    clerk TEXT,
    item_code TEXT,
    joined_ms BIGINT NOT NULL,
    answered_ms BIGINT,
    ended_ms BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    -- A number to call back on, only when nobody answered and the resident asked for it.
    callback_phone TEXT
);
CREATE INDEX calls_ended ON calls (ended_ms);
