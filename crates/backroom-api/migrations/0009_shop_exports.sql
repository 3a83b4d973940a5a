-- Shop exports as they really are: the currency of an order, the lines of an order that
-- Backroom does not pick, and the names a manager has matched to products.

-- The order's currency as the shop gave it (`EUR`); empty when the source did not say.
ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT '';

-- Lines of an order as the shop wrote them that are not picked here, so allocation, picking,
-- weighing and the ledger check, which read `order_lines` only, never see them:
--   no_shipping  needs no shipping (a tip, a gift card, gift wrap);
--   fulfilled    the shop has already sent it;
--   cancelled    the order was cancelled, refunded or voided in the shop;
--   unknown      names no product Backroom knows; the order is held until a manager maps it;
--   mapped       was unknown and a manager mapped it to `product_id` (now an order line).
CREATE TABLE order_shop_lines (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no          INTEGER NOT NULL,
    kind             TEXT NOT NULL
        CHECK (kind IN ('no_shipping', 'fulfilled', 'cancelled', 'unknown', 'mapped')),
    name             TEXT NOT NULL DEFAULT '',
    sku              TEXT NOT NULL DEFAULT '',
    qty              INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 1000000),
    unit_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (unit_price_cents BETWEEN 0 AND 100000000),
    product_id       INTEGER REFERENCES products (id),
    UNIQUE (order_id, line_no)
);
CREATE INDEX order_shop_lines_unknown ON order_shop_lines (order_id) WHERE kind = 'unknown';

-- A line name (or SKU) from a shop that a manager matched to a product, so the next import
-- matches it by itself.
CREATE TABLE product_aliases (
    alias      TEXT PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE
);

-- Screening reads every hold of an order, cleared or not (which rules a person overruled); an
-- import that holds thousands of orders made that a scan of the whole table per order.
CREATE INDEX order_holds_order ON order_holds (order_id);
