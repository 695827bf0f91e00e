-- Cases sent back for correction (补正) with the clerk's reasons, one row per return: round 1 is the first
-- return, round 2 a return after the resident corrected it (the seed's 二次退回, under 10 %).
CREATE TABLE case_returns (
    case_number TEXT NOT NULL,
    round BIGINT NOT NULL,
    -- JSON array of ReturnReason (a field by id or a material by name, and the clerk's note).
    reasons TEXT NOT NULL,
    clerk TEXT NOT NULL,
    returned_ms BIGINT NOT NULL,
    -- The resident's correction that answered it, once it came (its idempotency key).
    corrected_by TEXT,
    corrected_ms BIGINT,
    PRIMARY KEY (case_number, round)
);

-- The corrections residents sent from a terminal, once per idempotency key.
CREATE TABLE case_corrections (
    idempotency_key TEXT PRIMARY KEY,
    case_number TEXT NOT NULL,
    round BIGINT NOT NULL,
    terminal_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    reply TEXT NOT NULL,
    received_ms BIGINT NOT NULL
);
CREATE INDEX case_corrections_case ON case_corrections (case_number, round);
