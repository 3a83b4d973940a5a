-- Fulfilment: holds with their reasons, how far each order line has got, back-order policy,
-- expected receipts, cycle counts and customer returns.

-- Where each line stands. Reserved comes from `reservations`; what is neither reserved, picked,
-- shipped nor cancelled is open, and for a released order that is its back order.
ALTER TABLE order_lines ADD COLUMN picked_qty    INTEGER NOT NULL DEFAULT 0 CHECK (picked_qty >= 0);
ALTER TABLE order_lines ADD COLUMN shipped_qty   INTEGER NOT NULL DEFAULT 0 CHECK (shipped_qty >= 0);
ALTER TABLE order_lines ADD COLUMN cancelled_qty INTEGER NOT NULL DEFAULT 0 CHECK (cancelled_qty >= 0);
ALTER TABLE order_lines ADD COLUMN returned_qty  INTEGER NOT NULL DEFAULT 0 CHECK (returned_qty >= 0);

-- What to do when not all of an order is in stock; NULL follows the store's setting.
ALTER TABLE orders ADD COLUMN backorder_policy TEXT
    CHECK (backorder_policy IS NULL OR backorder_policy IN ('ship_available', 'ship_complete', 'cancel_rest'));
-- A card payment the customer's bank took back; counts against the customer's history.
ALTER TABLE orders ADD COLUMN chargeback INTEGER NOT NULL DEFAULT 0 CHECK (chargeback IN (0, 1));
CREATE INDEX orders_email ON orders (customer_email COLLATE NOCASE);

-- Why an order is held, one row per reason. The order is held while any row is open; a
-- manager's release closes them all, saying who and why.
CREATE TABLE order_holds (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL CHECK (rule IN ('payment', 'address', 'country_mismatch', 'customer_history', 'manual')),
    reason      TEXT NOT NULL,
    placed_at   TEXT NOT NULL,
    placed_by   INTEGER REFERENCES operators (id),
    cleared_at  TEXT,
    cleared_by  INTEGER REFERENCES operators (id),
    cleared_why TEXT,
    -- A person released the order over this hold; screening does not put the rule back.
    overridden  INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1))
);
CREATE INDEX order_holds_open ON order_holds (order_id) WHERE cleared_at IS NULL;

CREATE INDEX reservations_line ON reservations (order_line_id);

-- Goods announced by a supplier, received against their reference.
CREATE TABLE expected_receipts (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL,
    supplier     TEXT NOT NULL DEFAULT '',
    product_id   INTEGER NOT NULL REFERENCES products (id),
    qty_expected INTEGER NOT NULL CHECK (qty_expected > 0),
    qty_received INTEGER NOT NULL DEFAULT 0 CHECK (qty_received >= 0),
    expected_on  TEXT,
    UNIQUE (reference, product_id)
);

-- A blind count of one bin. The counter never sees what the system expects; the variance is
-- shown after, a large one asks for a recount, and a manager's approval posts it.
CREATE TABLE count_tasks (
    id          INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    status      TEXT NOT NULL CHECK (status IN ('open', 'recount', 'counted', 'approved', 'rejected')),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  INTEGER REFERENCES operators (id),
    decided_at  TEXT,
    decided_by  INTEGER REFERENCES operators (id),
    decision    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX count_tasks_status ON count_tasks (status);

-- Each round of a count: what was counted, and what the ledger held at that moment.
CREATE TABLE count_lines (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES count_tasks (id) ON DELETE CASCADE,
    round      INTEGER NOT NULL CHECK (round >= 1),
    product_id INTEGER NOT NULL REFERENCES products (id),
    counted    INTEGER NOT NULL CHECK (counted >= 0),
    expected   INTEGER NOT NULL,
    counted_at TEXT NOT NULL,
    counted_by INTEGER REFERENCES operators (id),
    UNIQUE (task_id, round, product_id)
);

-- A customer's return against an order, and what became of each item.
CREATE TABLE returns (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    at          TEXT NOT NULL,
    operator_id INTEGER REFERENCES operators (id),
    station_id  INTEGER REFERENCES stations (id)
);
CREATE INDEX returns_order ON returns (order_id);

CREATE TABLE return_lines (
    id            INTEGER PRIMARY KEY,
    return_id     INTEGER NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
    order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
    qty           INTEGER NOT NULL CHECK (qty > 0),
    reason        TEXT NOT NULL CHECK (reason IN ('damaged', 'wrong_item', 'not_as_described', 'no_longer_wanted', 'too_late', 'other')),
    disposition   TEXT NOT NULL CHECK (disposition IN ('restock', 'quarantine', 'scrap')),
    location_id   INTEGER REFERENCES locations (id),
    note          TEXT NOT NULL DEFAULT ''
);
