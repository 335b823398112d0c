-- Orgs are explicit records: requests for an org without a row are refused.
-- Every org id that existing rows name gets a row here (named after its id,
-- in UTC), so deployments keep working and no reseller can claim an org that
-- already has workflows, keys or data as a new sub-account. Reserved ids
-- (atlas, platform, system, local, builtin) never get a row: they belong to
-- the platform.
INSERT OR IGNORE INTO orgs (id, name, time_zone, created_at)
SELECT DISTINCT referenced.org_id, referenced.org_id, 'UTC', (CAST(strftime('%s', 'now') AS INTEGER) * 1000)
FROM (
    SELECT org_id FROM workflows
    UNION SELECT org_id FROM executions
    UNION SELECT org_id FROM api_keys
    UNION SELECT org_id FROM workflow_hooks
    UNION SELECT org_id FROM ingested_events
    UNION SELECT org_id FROM audit_log
    UNION SELECT org_id FROM plugin_kv
    UNION SELECT org_id FROM plugin_secrets
    UNION SELECT org_id FROM plugin_installs
    UNION SELECT org_id FROM contacts
    UNION SELECT org_id FROM crm_events
    UNION SELECT org_id FROM ai_org_settings
    UNION SELECT org_id FROM ai_usage
    UNION SELECT reseller_id FROM orgs WHERE reseller_id IS NOT NULL
    UNION SELECT reseller_id FROM reseller_brands
    UNION SELECT reseller_id FROM action_brandings
    UNION SELECT reseller_id FROM reseller_preinstalls
    UNION SELECT id FROM publishers WHERE id <> 'atlas'
) AS referenced
WHERE lower(referenced.org_id) NOT IN ('atlas', 'platform', 'system', 'local', 'builtin');

-- A key whose org is reserved never authenticates again.
UPDATE api_keys SET revoked_at = (CAST(strftime('%s', 'now') AS INTEGER) * 1000)
WHERE revoked_at IS NULL
  AND lower(org_id) IN ('atlas', 'platform', 'system', 'local', 'builtin');

-- The built-in publisher is `atlas` and no other; no org's account is built-in.
UPDATE publishers SET kind = 'builtin' WHERE id = 'atlas';
UPDATE publishers SET kind = 'partner' WHERE id <> 'atlas' AND kind = 'builtin';

-- `atlas.` ids are the host's own: a version another publisher holds under
-- one is rejected and switched off everywhere. (Versions under `atlas` that
-- the host did not sign are found at startup, which knows the host's key.)
UPDATE plugin_versions
SET status = 'rejected',
    review_reason = 'ids starting with `atlas.` are reserved for built-in actions',
    killed_at = COALESCE(killed_at, (CAST(strftime('%s', 'now') AS INTEGER) * 1000)),
    kill_reason = COALESCE(kill_reason, 'ids starting with `atlas.` are reserved for built-in actions')
WHERE lower(plugin_id) LIKE 'atlas.%'
  AND plugin_id IN (SELECT plugin_id FROM marketplace_plugins WHERE publisher_id <> 'atlas');
