-- The baseline: what a plain SQL inventory system keeps for a sale. One row per receipt, one per
-- receipt line in the movement journal, and one balance row per (store, SKU) updated in place.
DROP TABLE IF EXISTS baseline_movements, baseline_receipts, baseline_stock, baseline_commits;

CREATE TABLE baseline_stock (
    store_id  text    NOT NULL,
    sku       text    NOT NULL,
    on_hand   numeric NOT NULL,
    PRIMARY KEY (store_id, sku)
);

CREATE TABLE baseline_receipts (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id    text        NOT NULL,
    total       numeric     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE baseline_movements (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receipt_id  bigint      NOT NULL REFERENCES baseline_receipts,
    store_id    text        NOT NULL,
    sku         text        NOT NULL,
    quantity    numeric     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A pair's journal, the way the engine's ledger is read.
CREATE INDEX baseline_movements_by_pair ON baseline_movements (store_id, sku, id);

-- The commit ceiling's rows (commit.sql): nothing but a durable commit each.
CREATE TABLE baseline_commits (
    id  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at  timestamptz NOT NULL
);
