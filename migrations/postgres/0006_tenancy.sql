-- The CRM and AI tables get the same row-level security policy as every other
-- tenant table: the `atlas_app` role sees only the org in `atlas.org_id`.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO atlas_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO atlas_app;
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['contacts', 'contact_tags', 'notes', 'tasks', 'pipelines',
                             'pipeline_stages', 'opportunities', 'classes', 'bookings',
                             'memberships', 'campaigns', 'campaign_members', 'crm_events',
                             'ai_org_settings', 'ai_usage']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I TO atlas_app
                 USING (org_id = current_setting(''atlas.org_id'', true))
                 WITH CHECK (org_id = current_setting(''atlas.org_id'', true))', t);
    END LOOP;
END
$$;
