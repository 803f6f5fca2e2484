-- Projects, their revisions (unique per project and number), manifests and chart snapshots by digest,
-- resource records, and the pipelines with their events (unique per pipeline and sequence) and logs.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE projects (
    id               text COLLATE "C" PRIMARY KEY,
    org              text COLLATE "C" NOT NULL,
    name             text COLLATE "C" NOT NULL,
    env              text NOT NULL,
    chart_name       text NOT NULL,
    repo_url         text NOT NULL,
    label_pairs      text[] NOT NULL,
    current_revision int  NOT NULL,
    record           text NOT NULL,
    UNIQUE (org, name)
);
CREATE INDEX projects_chart_name ON projects (chart_name);
CREATE INDEX projects_repo_url ON projects (repo_url) WHERE repo_url <> '';
CREATE INDEX projects_label_pairs ON projects USING gin (label_pairs);
-- The text filter matches anywhere in the name: a trigram index serves LIKE '%needle%'.
CREATE INDEX projects_name_trgm ON projects USING gin (name gin_trgm_ops);

CREATE TABLE project_revisions (
    project_id text COLLATE "C" NOT NULL,
    number     int  NOT NULL,
    record     text NOT NULL,
    PRIMARY KEY (project_id, number)
);

CREATE TABLE manifest_sets (
    digest text COLLATE "C" PRIMARY KEY,
    record text NOT NULL
);

CREATE TABLE chart_snapshots (
    digest text COLLATE "C" PRIMARY KEY,
    record text NOT NULL
);

CREATE TABLE project_resources (
    project_id text COLLATE "C" NOT NULL,
    key        text COLLATE "C" NOT NULL,
    org_key    text COLLATE "C" NOT NULL,
    state      text NOT NULL,
    record     text NOT NULL,
    PRIMARY KEY (project_id, key)
);
CREATE INDEX project_resources_org_key ON project_resources (org_key, state);

CREATE TABLE create_requests (
    id         text COLLATE "C" PRIMARY KEY,
    project_id text COLLATE "C" NOT NULL
);
CREATE INDEX create_requests_project ON create_requests (project_id);

CREATE TABLE project_deletions (
    id     text COLLATE "C" PRIMARY KEY,
    record text NOT NULL
);

CREATE TABLE pipelines (
    id         text COLLATE "C" PRIMARY KEY,
    project_id text COLLATE "C" NOT NULL,
    org        text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    status     text NOT NULL,
    result     text NOT NULL,
    record     text NOT NULL
);
CREATE INDEX pipelines_project ON pipelines (project_id, created_at DESC, id DESC);
CREATE INDEX pipelines_created ON pipelines (created_at DESC, id DESC);
CREATE INDEX pipelines_unfinished ON pipelines (created_at) WHERE status <> 'Completed';

CREATE TABLE pipeline_events (
    pipeline_id text COLLATE "C" NOT NULL,
    sequence    bigint NOT NULL,
    record      text NOT NULL,
    PRIMARY KEY (pipeline_id, sequence)
);

CREATE TABLE pipeline_logs (
    pipeline_id text COLLATE "C" NOT NULL,
    node        text COLLATE "C" NOT NULL,
    sequence    bigint NOT NULL,
    record      text NOT NULL,
    PRIMARY KEY (pipeline_id, node, sequence)
);

-- The simulated cloud's inventory, keyed projectId/Kind/name.
CREATE TABLE simulated_resources (
    key          text COLLATE "C" PRIMARY KEY,
    kind         text NOT NULL,
    outputs_json text NOT NULL
);
