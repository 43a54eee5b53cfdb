-- Registers with a physical fiscal drive report documents the drive numbered itself, late, in any
-- order and sometimes twice. A fiscal document is named by its FN serial (tag 1041) and FD number
-- (tag 1040): each pair is journaled once per register, and a repeat finds the first by it.
-- Rows journaled before this script have no FN serial and stay outside the index.
ALTER TABLE register_journal ADD COLUMN IF NOT EXISTS fn_serial text;

CREATE UNIQUE INDEX IF NOT EXISTS register_journal_fiscal_document_once
    ON register_journal (register_id, fn_serial, fiscal_document_number)
    WHERE fn_serial IS NOT NULL AND fiscal_document_number IS NOT NULL;
