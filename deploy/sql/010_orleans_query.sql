-- Named SQL texts for the Orleans ADO.NET providers (clustering, grain state, reminders).
-- Each provider reads the texts it needs by key once, when it starts, and runs them with
-- @Name parameters. The table name and both columns are unquoted because the providers
-- ask for "SELECT QueryKey, QueryText FROM OrleansQuery", which PostgreSQL folds to lower case.
-- The later scripts upsert their keys, so re-running them refreshes the texts.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  text NOT NULL,
    querytext text NOT NULL,
    CONSTRAINT orleansquery_pkey PRIMARY KEY (querykey)
);
