-- Stream consumers (analytics, procurement) catch up on a store's receipts after a crash:
-- every journal row names its register's store, indexed by store and time.
ALTER TABLE register_journal ADD COLUMN IF NOT EXISTS store_id text;

CREATE INDEX IF NOT EXISTS register_journal_store_receipts
    ON register_journal (store_id, recorded_at) WHERE kind = 'receipt';
