-- Per-org language-model settings (overriding the host's) and monthly token usage.
CREATE TABLE ai_org_settings (
    org_id                TEXT PRIMARY KEY,
    -- NULL: the host's base URL.
    base_url              TEXT,
    -- NULL: the host's default model.
    model                 TEXT,
    -- The org's own API key, sealed with the secret cipher; NULL: the host's key.
    key_nonce             BYTEA,
    key_ciphertext        BYTEA,
    -- Tokens (prompt + completion) per calendar month (UTC); NULL: the host's budget.
    monthly_token_budget  BIGINT,
    updated_at            BIGINT NOT NULL
);

CREATE TABLE ai_usage (
    org_id             TEXT NOT NULL,
    -- Calendar month in UTC, `YYYY-MM`.
    month              TEXT NOT NULL,
    requests           BIGINT NOT NULL,
    prompt_tokens      BIGINT NOT NULL,
    completion_tokens  BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (org_id, month)
);
