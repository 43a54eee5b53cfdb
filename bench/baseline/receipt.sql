-- One 3-line sale receipt, the plain SQL way: a single transaction that inserts the receipt,
-- journals its 3 lines and decrements 3 balance rows in place.
-- pgbench -D stores=N -D skus=M. The three SKUs are distinct and always taken in ascending
-- order, so concurrent receipts lock rows in the same order and never deadlock.
\set store random(1, :stores)
\set third :skus / 3
\set k1 random(1, :third)
\set k2 :k1 + :third
\set k3 :k2 + :third
\set q1 random(1, 3)
\set q2 random(1, 3)
\set q3 random(1, 3)
\set total 100 * (:q1 + :q2 + :q3)
BEGIN;
INSERT INTO baseline_receipts (store_id, total) VALUES ('s' || :store, :total) RETURNING id AS receipt_id \gset
INSERT INTO baseline_movements (receipt_id, store_id, sku, quantity) VALUES (:receipt_id, 's' || :store, 'sku-' || :k1, :q1);
INSERT INTO baseline_movements (receipt_id, store_id, sku, quantity) VALUES (:receipt_id, 's' || :store, 'sku-' || :k2, :q2);
INSERT INTO baseline_movements (receipt_id, store_id, sku, quantity) VALUES (:receipt_id, 's' || :store, 'sku-' || :k3, :q3);
UPDATE baseline_stock SET on_hand = on_hand - :q1 WHERE store_id = 's' || :store AND sku = 'sku-' || :k1;
UPDATE baseline_stock SET on_hand = on_hand - :q2 WHERE store_id = 's' || :store AND sku = 'sku-' || :k2;
UPDATE baseline_stock SET on_hand = on_hand - :q3 WHERE store_id = 's' || :store AND sku = 'sku-' || :k3;
END;
