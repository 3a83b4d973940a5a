-- Column mappings for order files of any shop (BigCommerce, Etsy, a shop's own spreadsheet):
-- which column holds the order number, SKU, quantity, address and so on, saved by name so the
-- next file of the same shop imports with the name alone.
CREATE TABLE import_mappings (
    name     TEXT PRIMARY KEY,
    mapping  TEXT NOT NULL,            -- JSON, as the import request gives it
    saved_at TEXT NOT NULL
);

-- Planning counts the lines a shop had already sent when its orders were imported as demand,
-- by the product each names. Lines imported before that was kept find theirs by SKU.
UPDATE order_shop_lines
SET product_id = (SELECT p.id FROM products p WHERE p.sku = order_shop_lines.sku)
WHERE kind = 'fulfilled' AND product_id IS NULL AND sku <> '';
