-- The hub's schema. One set of migrations for SQLite and PostgreSQL (sqlx's Any driver): only types both
-- know (TEXT, BIGINT), times as milliseconds since the epoch, JSON as TEXT. Never edit a released migration.

-- Residents as the platform's real-name record holds them (the development data set fills it).
CREATE TABLE residents (
    id_number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    bank_account TEXT NOT NULL
);

-- Electronic certificates (电子证照): what prefill reads and what the hub serves as PDFs.
CREATE TABLE certificates (
    number TEXT PRIMARY KEY,
    id_number TEXT NOT NULL REFERENCES residents (id_number),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    -- JSON object: field → value.
    fields TEXT NOT NULL,
    issued_on TEXT NOT NULL
);
CREATE INDEX certificates_holder ON certificates (id_number, kind);

-- 随申码 tokens (the part after the code's URL prefix) and whom they stand for.
CREATE TABLE code_tokens (
    token TEXT PRIMARY KEY,
    id_number TEXT NOT NULL REFERENCES residents (id_number),
    expires_ms BIGINT NOT NULL
);

CREATE TABLE terminals (
    id TEXT PRIMARY KEY,
    enrolled_ms BIGINT
);

-- One-time enrolment codes, hashed; a code is spent when used.
CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    expires_ms BIGINT NOT NULL,
    used_ms BIGINT
);

-- Terminal tokens, hashed; revoked ones stay for the record.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    issued_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('case', 0);

-- Cases, one per idempotency key; the body's hash tells a retry from another request under the same key.
CREATE TABLE cases (
    idempotency_key TEXT PRIMARY KEY,
    case_number TEXT NOT NULL UNIQUE,
    terminal_id TEXT NOT NULL,
    item_code TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    reply TEXT NOT NULL,
    received_ms BIGINT NOT NULL
);

-- Materials: the bytes are files in the hub's data directory, named by their hash.
CREATE TABLE materials (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    received BIGINT NOT NULL,
    complete_ms BIGINT
);

CREATE TABLE case_materials (
    idempotency_key TEXT NOT NULL REFERENCES cases (idempotency_key),
    sha256 TEXT NOT NULL REFERENCES materials (sha256),
    name TEXT NOT NULL,
    PRIMARY KEY (idempotency_key, sha256)
);

-- Every other write (ratings, help, 办不成事, figures), once per kind and idempotency key.
CREATE TABLE records (
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    reply TEXT NOT NULL,
    received_ms BIGINT NOT NULL,
    PRIMARY KEY (kind, idempotency_key)
);
CREATE INDEX records_kind ON records (kind, received_ms);
