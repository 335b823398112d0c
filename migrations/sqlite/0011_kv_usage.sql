-- What each org keeps in plugin kv, beside the data, so a write is checked
-- against the org's quota in the same transaction that makes it.
CREATE TABLE kv_usage (
    org_id  TEXT PRIMARY KEY,
    keys    INTEGER NOT NULL,
    bytes   INTEGER NOT NULL
);

INSERT INTO kv_usage (org_id, keys, bytes)
SELECT org_id, COUNT(*), COALESCE(SUM(length(CAST(key AS BLOB)) + length(value)), 0)
FROM plugin_kv GROUP BY org_id;
