-- The head of every pair: its latest committed version and balances, and the token of the
-- staged row that wrote it. A commit moves a head only from the version and token it was staged
-- on (compare-and-set), in the same transaction as the pair's ledger rows and the journal entry
-- that caused them: a pair's versions never have holes, and a second activation of a stock grain
-- can never write on top of the first. A stock grain activates from its head, without replay.
CREATE TABLE IF NOT EXISTS stock_heads (
    store_id    text    NOT NULL,
    sku         text    NOT NULL,
    version     bigint  NOT NULL,
    token       text    NOT NULL,
    on_hand     numeric NOT NULL,
    reserved    numeric NOT NULL,
    incoming    numeric NOT NULL,
    CONSTRAINT stock_heads_pk PRIMARY KEY (store_id, sku)
);

-- Ledgers written before heads existed: each pair's head is its latest row. Only while there are no
-- heads at all, so a node starting next to running ones neither scans the ledger nor touches live heads.
INSERT INTO stock_heads (store_id, sku, version, token, on_hand, reserved, incoming)
SELECT DISTINCT ON (store_id, sku) store_id, sku, version, movement_id, on_hand_after, reserved_after, incoming_after
FROM stock_movements
WHERE NOT EXISTS (SELECT 1 FROM stock_heads)
ORDER BY store_id, sku, version DESC
ON CONFLICT DO NOTHING;

CREATE INDEX IF NOT EXISTS stock_heads_by_sku ON stock_heads (sku, store_id);

