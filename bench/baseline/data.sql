-- psql -v stores=N -v skus=M: every pair starts with plenty of stock.
INSERT INTO baseline_stock (store_id, sku, on_hand)
SELECT 's' || s, 'sku-' || k, 1000000
FROM generate_series(1, :stores) AS s, generate_series(1, :skus) AS k;
VACUUM ANALYZE baseline_stock;
