-- What each org keeps in plugin kv, beside the data, so a write is checked
-- against the org's quota in the same transaction that makes it.
CREATE TABLE kv_usage (
    org_id  TEXT PRIMARY KEY,
    keys    BIGINT NOT NULL,
    bytes   BIGINT NOT NULL
);

INSERT INTO kv_usage (org_id, keys, bytes)
SELECT org_id, COUNT(*), COALESCE(SUM(octet_length(key) + octet_length(value)), 0)
FROM plugin_kv GROUP BY org_id;

GRANT SELECT, INSERT, UPDATE, DELETE ON kv_usage TO atlas_app;
ALTER TABLE kv_usage ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kv_usage TO atlas_app
    USING (org_id = current_setting('atlas.org_id', true))
    WITH CHECK (org_id = current_setting('atlas.org_id', true));
