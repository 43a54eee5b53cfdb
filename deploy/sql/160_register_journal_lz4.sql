-- A journal row's document and state after it are 1 to 4 kB of JSON, compressed by PostgreSQL on
-- insert. lz4 compresses several times faster than the default pglz at about the same size. Rows
-- written before keep their compression (both are read alike). The ALTER runs only while a column
-- is not lz4 yet, so a node starting beside running ones takes no lock on the journal; a server built
-- without lz4 keeps pglz.
DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = 'register_journal'::regclass AND attname IN ('document', 'state_after') AND attcompression <> 'l')
    THEN
        ALTER TABLE register_journal ALTER COLUMN document SET COMPRESSION lz4, ALTER COLUMN state_after SET COMPRESSION lz4;
    END IF;
EXCEPTION
    WHEN feature_not_supported THEN NULL;
END
$$;
