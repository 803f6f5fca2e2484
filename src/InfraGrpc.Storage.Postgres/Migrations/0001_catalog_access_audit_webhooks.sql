-- Keys compare byte by byte (COLLATE "C") whatever the database's locale, as the embedded store's do.

-- The chart catalog: every version with its files; the latest of each chart is found by SemVer in the store.
CREATE TABLE chart_versions (
    name            text        COLLATE "C" NOT NULL,
    version         text        COLLATE "C" NOT NULL,
    digest          text        NOT NULL,
    display_name    text        NOT NULL,
    description     text,
    icon_url        text,
    format          text        NOT NULL,
    parameters_json text        NOT NULL,
    readme          text,
    published_at    timestamptz NOT NULL,
    published_by    text        NOT NULL,
    built_in        boolean     NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE chart_files (
    name    text  COLLATE "C" NOT NULL,
    version text  COLLATE "C" NOT NULL,
    ordinal int   NOT NULL,
    path    text  NOT NULL,
    content bytea NOT NULL,
    PRIMARY KEY (name, version, ordinal),
    FOREIGN KEY (name, version) REFERENCES chart_versions (name, version) ON DELETE CASCADE
);

-- One row per chart: its latest version (highest SemVer, releases first), kept by publish and delete.
CREATE TABLE chart_heads (
    name           text COLLATE "C" PRIMARY KEY,
    latest_version text NOT NULL,
    search_text    text NOT NULL
);

-- API tokens (hashes only, inside the record) and role bindings.
CREATE TABLE access_tokens (
    id         text        PRIMARY KEY,
    owner      text        NOT NULL,
    created_at timestamptz NOT NULL,
    record     text        NOT NULL
);
CREATE INDEX access_tokens_owner ON access_tokens (owner, created_at DESC);

CREATE TABLE role_bindings (
    id     text PRIMARY KEY,
    record text NOT NULL
);

-- The audit trail: ids sort by time (version 7 GUIDs), read newest first.
CREATE TABLE audit_events (
    id     text COLLATE "C" PRIMARY KEY,
    org    text NOT NULL,
    actor  text NOT NULL,
    method text NOT NULL,
    record text NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (org, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor, id DESC);

-- Webhook deliveries seen, by provider and key: the primary key deduplicates across replicas.
CREATE TABLE webhook_deliveries (
    id          text        PRIMARY KEY,
    summary     text        NOT NULL,
    received_at timestamptz NOT NULL
);
