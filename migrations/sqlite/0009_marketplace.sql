-- The marketplace: publishers and their keys, published action versions (the
-- component bytes live in the content-addressed blob directory), installs
-- with the capabilities an org granted, and resellers' sub-accounts,
-- branding and preinstalls.
ALTER TABLE orgs ADD COLUMN reseller_id TEXT;
CREATE INDEX orgs_reseller ON orgs (reseller_id);

CREATE TABLE publishers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE publisher_keys (
    key_id        TEXT PRIMARY KEY,
    publisher_id  TEXT NOT NULL,
    public_key    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX publisher_keys_publisher ON publisher_keys (publisher_id);

CREATE TABLE marketplace_plugins (
    plugin_id     TEXT PRIMARY KEY,
    publisher_id  TEXT NOT NULL,
    private_to    TEXT,
    created_at    INTEGER NOT NULL
);

CREATE TABLE plugin_versions (
    plugin_id      TEXT NOT NULL,
    version        TEXT NOT NULL,
    major          INTEGER NOT NULL,
    minor          INTEGER NOT NULL,
    patch          INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    wit_version    TEXT NOT NULL,
    manifest       TEXT NOT NULL,
    changelog      TEXT NOT NULL DEFAULT '',
    key_id         TEXT NOT NULL,
    status         TEXT NOT NULL,
    review_reason  TEXT,
    reviewed_by    TEXT,
    reviewed_at    INTEGER,
    yanked_at      INTEGER,
    killed_at      INTEGER,
    kill_reason    TEXT,
    published_by   TEXT NOT NULL,
    published_at   INTEGER NOT NULL,
    PRIMARY KEY (plugin_id, version)
) WITHOUT ROWID;
CREATE INDEX plugin_versions_status ON plugin_versions (status, published_at);

CREATE TABLE plugin_installs (
    org_id        TEXT NOT NULL,
    plugin_id     TEXT NOT NULL,
    version       TEXT NOT NULL,
    granted       TEXT NOT NULL,
    status        TEXT NOT NULL,
    installed_by  TEXT NOT NULL,
    installed_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, plugin_id, version)
) WITHOUT ROWID;
CREATE INDEX plugin_installs_plugin ON plugin_installs (plugin_id, version);

CREATE TABLE reseller_brands (
    reseller_id    TEXT PRIMARY KEY,
    product_name   TEXT NOT NULL,
    logo           TEXT,
    primary_color  TEXT,
    accent_color   TEXT,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE action_brandings (
    reseller_id  TEXT NOT NULL,
    plugin_id    TEXT NOT NULL,
    branding     TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (reseller_id, plugin_id)
) WITHOUT ROWID;

CREATE TABLE reseller_preinstalls (
    reseller_id  TEXT NOT NULL,
    plugin_id    TEXT NOT NULL,
    version      TEXT NOT NULL,
    granted      TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (reseller_id, plugin_id)
) WITHOUT ROWID;
