-- Grain state for Orleans ADO.NET grain storage.
-- A row is identified by service, state name and the grain id split into two integers plus an
-- optional text extension. The state name (grain_type) is what Orleans passes, not the grain
-- class, so grain classes must use distinct state names. The version is the row's ETag: every
-- change must present the version it read, and bumps it.

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id         text        NOT NULL,
    grain_type         text        NOT NULL,
    grain_type_hash    integer     NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text,
    grain_id_hash      integer     NOT NULL,
    payload            bytea,
    version            integer     NOT NULL,
    modified_on        timestamptz NOT NULL DEFAULT now(),
    -- A NULL extension is part of the identity, so a second "insert if absent" for the same grain
    -- hits this constraint instead of adding a twin row.
    CONSTRAINT orleans_grain_state_identity
        UNIQUE NULLS NOT DISTINCT (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

-- Lookups compare the extension NULL-safely, which a b-tree cannot search; the hashes narrow
-- the search to a handful of rows.
CREATE INDEX IF NOT EXISTS orleans_grain_state_hashes
    ON orleans_grain_state (grain_id_hash, grain_type_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Zero or one row. A NULL payload (a cleared state) still reports its version.
('ReadFromStorageKey', $q$
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

-- Exactly one row: the new version, or NULL when the write lost (row already there for a first
-- write, or a version other than the one presented). Orleans turns NULL into a conflict.
('WriteToStorageKey', $q$
WITH inserted AS (
    INSERT INTO orleans_grain_state
        (service_id, grain_type, grain_type_hash, grain_id_n0, grain_id_n1, grain_id_extension,
         grain_id_hash, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @GrainIdHash, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_identity DO NOTHING
    RETURNING version
), updated AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = version + 1, modified_on = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
)
SELECT coalesce((SELECT version FROM inserted), (SELECT version FROM updated)) AS NewGrainStateVersion;
$q$),

-- Clear keeping the row: the payload goes, the version moves on. No row on a version mismatch.
('ClearStorageKey', $q$
UPDATE orleans_grain_state
SET payload = NULL, version = version + 1, modified_on = now()
WHERE version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING version;
$q$),

-- Clear removing the row. The returned value only has to differ from the presented version.
('DeleteStorageKey', $q$
DELETE FROM orleans_grain_state
WHERE version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING version + 1;
$q$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
