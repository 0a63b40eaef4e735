-- +goose Up
-- The bundles deployed, in order: runners sharing the database agree on
-- the deployment in force through it, the latest row (the highest id).
-- Deploying a bundle again (a rollback) adds a row. See Store.Deploy.
CREATE TABLE deployments (
    id          bigserial PRIMARY KEY,
    digest      text NOT NULL,  -- sha256 hex of bundle
    bundle      bytea NOT NULL, -- the bundle file's bytes
    deployed_by text NOT NULL,  -- the runner or user that deployed it
    created_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE deployments;
