-- Pipelines shared by several replicas: the replica that owns a pipeline, the fencing token of its claim
-- (every claim takes a new one, and a batch stored under an older token is refused), and until when the
-- owner's lease runs. A pipeline with no owner, or whose lease ran out, can be claimed by any replica.
ALTER TABLE pipelines ADD COLUMN owner text;
ALTER TABLE pipelines ADD COLUMN fence bigint NOT NULL DEFAULT 0;
ALTER TABLE pipelines ADD COLUMN lease_until timestamptz;
CREATE SEQUENCE pipeline_fences;
CREATE INDEX pipelines_project_unfinished ON pipelines (project_id, created_at, id) WHERE status <> 'Completed';

-- Cancel requests and gate decisions for a pipeline another replica runs: its owner applies them.
CREATE TABLE pipeline_commands (
    id          bigserial PRIMARY KEY,
    pipeline_id text COLLATE "C" NOT NULL,
    kind        text NOT NULL,
    gate_id     text,
    approve     boolean NOT NULL DEFAULT false,
    actor       text NOT NULL,
    comment     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pipeline_commands_pipeline ON pipeline_commands (pipeline_id, id);

-- Keys every replica must share (page tokens, the secret key ring), created once by whichever replica is first.
CREATE TABLE server_keys (
    name  text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

-- How many times the simulated cloud applied each resource: a takeover must never apply again what had succeeded.
ALTER TABLE simulated_resources ADD COLUMN applies int NOT NULL DEFAULT 1;
