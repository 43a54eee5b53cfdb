-- The stock ledger: every applied movement of every (store, SKU) pair, exactly once.
-- A pair's rows are numbered by its own version; the movement id is the client's idempotency key.
-- "position" orders the whole ledger, so consumers can keep a checkpoint and catch up.
CREATE TABLE IF NOT EXISTS stock_movements (
    position                bigint GENERATED ALWAYS AS IDENTITY,
    store_id                text        NOT NULL,
    sku                     text        NOT NULL,
    version                 bigint      NOT NULL,
    movement_id             text        NOT NULL,
    type                    text        NOT NULL,
    quantity                numeric     NOT NULL,
    on_hand_delta           numeric     NOT NULL,
    reserved_delta          numeric     NOT NULL,
    incoming_delta          numeric     NOT NULL,
    on_hand_after           numeric     NOT NULL,
    reserved_after          numeric     NOT NULL,
    incoming_after          numeric     NOT NULL,
    occurred_at             timestamptz NOT NULL,
    recorded_at             timestamptz NOT NULL,
    reason                  text,
    document_kind           text,
    document_id             text,
    fiscal_document_number  bigint,
    fingerprint             text        NOT NULL,
    CONSTRAINT stock_movements_pk PRIMARY KEY (store_id, sku, version),
    CONSTRAINT stock_movements_once UNIQUE (store_id, sku, movement_id)
);

CREATE INDEX IF NOT EXISTS stock_movements_by_sku ON stock_movements (sku, store_id, version);
CREATE INDEX IF NOT EXISTS stock_movements_by_position ON stock_movements (position);
