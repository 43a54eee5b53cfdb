-- Stream consumers checkpoint a store's receipts by register and journal sequence, and catch up
-- from those checkpoints: this index lets them skip from one register of the store to the next and
-- start each register's read right after its checkpoint.
CREATE INDEX IF NOT EXISTS register_journal_store_register_receipts
    ON register_journal (store_id, register_id, sequence) WHERE kind = 'receipt';
