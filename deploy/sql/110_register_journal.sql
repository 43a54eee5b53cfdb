-- The registers' journal: every fiscal document (and OFD confirmation) of every register, in order,
-- with the drive's state after it. A register restores its counters from its latest row, so a
-- document acknowledged to a till is never numbered again, also after a crash or failover.
CREATE TABLE IF NOT EXISTS register_journal (
    position                bigint GENERATED ALWAYS AS IDENTITY,
    register_id             text        NOT NULL,
    sequence                bigint      NOT NULL,
    kind                    text        NOT NULL,
    client_id               text,
    fiscal_document_number  bigint,
    fingerprint             text,
    document                jsonb       NOT NULL,
    state_after             jsonb       NOT NULL,
    recorded_at             timestamptz NOT NULL,
    CONSTRAINT register_journal_pk PRIMARY KEY (register_id, sequence),
    -- A till's receipt id is used once per register: a retry finds the first document.
    CONSTRAINT register_journal_client_once UNIQUE (register_id, client_id)
);

CREATE INDEX IF NOT EXISTS register_journal_by_position ON register_journal (position);
