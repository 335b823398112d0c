-- Per-org language-model settings (overriding the host's) and monthly token usage.
CREATE TABLE ai_org_settings (
    org_id                TEXT PRIMARY KEY,
    -- NULL: the host's base URL.
    base_url              TEXT,
    -- NULL: the host's default model.
    model                 TEXT,
    -- The org's own API key, sealed with the secret cipher; NULL: the host's key.
    key_nonce             BLOB,
    key_ciphertext        BLOB,
    -- Tokens (prompt + completion) per calendar month (UTC); NULL: the host's budget.
    monthly_token_budget  INTEGER,
    updated_at            INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ai_usage (
    org_id             TEXT NOT NULL,
    -- Calendar month in UTC, `YYYY-MM`.
    month              TEXT NOT NULL,
    requests           INTEGER NOT NULL,
    prompt_tokens      INTEGER NOT NULL,
    completion_tokens  INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (org_id, month)
) WITHOUT ROWID;
