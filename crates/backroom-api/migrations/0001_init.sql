-- Backroom's first schema. Stock is never written directly: a movement row is inserted and the
-- trigger at the end keeps the on-hand cache in step, inside the same transaction.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    sku           TEXT NOT NULL UNIQUE CHECK (length(trim(sku)) > 0),
    name          TEXT NOT NULL,
    category      TEXT NOT NULL DEFAULT '',
    unit_weight_g REAL CHECK (unit_weight_g IS NULL OR unit_weight_g >= 0),
    length_mm     REAL CHECK (length_mm IS NULL OR length_mm > 0),
    width_mm      REAL CHECK (width_mm IS NULL OR width_mm > 0),
    height_mm     REAL CHECK (height_mm IS NULL OR height_mm > 0),
    price_cents   INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX products_name ON products (name COLLATE NOCASE);

CREATE TABLE barcodes (
    code       TEXT PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('upc', 'ean', 'gtin', 'internal'))
);
CREATE INDEX barcodes_product ON barcodes (product_id);

-- The pick area's shape, one row. Bins are generated from it into `locations`.
CREATE TABLE layout (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    json   TEXT NOT NULL
);

CREATE TABLE locations (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    kind   TEXT NOT NULL CHECK (kind IN ('bin', 'receiving', 'packing', 'shipping', 'quarantine', 'returns')),
    aisle  INTEGER,
    block  INTEGER,
    slot   INTEGER,
    side   TEXT CHECK (side IS NULL OR side IN ('L', 'R')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK ((kind = 'bin') = (aisle IS NOT NULL AND block IS NOT NULL AND slot IS NOT NULL AND side IS NOT NULL))
);

CREATE TABLE operators (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('picker', 'packer', 'manager')),
    badge    TEXT UNIQUE,
    pin_hash TEXT,
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE stations (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    scale_port       TEXT,
    scale_protocol   TEXT,
    scale_baud       INTEGER,
    scale_data_bits  INTEGER,
    scale_parity     TEXT,
    scale_stop_bits  INTEGER,
    printer          TEXT
);

CREATE TABLE sessions (
    token       TEXT PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    station_id  INTEGER NOT NULL REFERENCES stations (id),
    started_at  TEXT NOT NULL,
    ended_at    TEXT
);

CREATE TABLE movements (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'transfer', 'pick', 'adjustment', 'count', 'return', 'scrap', 'ship')),
    product_id       INTEGER NOT NULL REFERENCES products (id),
    qty              INTEGER NOT NULL CHECK (qty > 0),
    from_location_id INTEGER REFERENCES locations (id),
    to_location_id   INTEGER REFERENCES locations (id),
    reason           TEXT NOT NULL DEFAULT '',
    order_id         INTEGER REFERENCES orders (id),
    operator_id      INTEGER REFERENCES operators (id),
    station_id       INTEGER REFERENCES stations (id),
    at               TEXT NOT NULL,
    CHECK (from_location_id IS NOT NULL OR to_location_id IS NOT NULL),
    CHECK (from_location_id IS NULL OR to_location_id IS NULL OR from_location_id <> to_location_id)
);
CREATE INDEX movements_product ON movements (product_id);

-- On-hand per product and location, derived from `movements` by the trigger below and
-- verified against them by `db check`. The CHECK refuses any movement that would take a
-- location below zero, so the whole transaction rolls back.
CREATE TABLE stock (
    product_id  INTEGER NOT NULL REFERENCES products (id),
    location_id INTEGER NOT NULL REFERENCES locations (id),
    on_hand     INTEGER NOT NULL CHECK (on_hand >= 0),
    PRIMARY KEY (product_id, location_id)
) WITHOUT ROWID;
CREATE INDEX stock_location ON stock (location_id);

CREATE TRIGGER movements_keep_stock AFTER INSERT ON movements
BEGIN
    INSERT INTO stock (product_id, location_id, on_hand)
        SELECT NEW.product_id, NEW.to_location_id, 0 WHERE NEW.to_location_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    UPDATE stock SET on_hand = on_hand + NEW.qty
        WHERE NEW.to_location_id IS NOT NULL
          AND product_id = NEW.product_id AND location_id = NEW.to_location_id;
    INSERT INTO stock (product_id, location_id, on_hand)
        SELECT NEW.product_id, NEW.from_location_id, 0 WHERE NEW.from_location_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    UPDATE stock SET on_hand = on_hand - NEW.qty
        WHERE NEW.from_location_id IS NOT NULL
          AND product_id = NEW.product_id AND location_id = NEW.from_location_id;
END;

CREATE TRIGGER movements_are_append_only_update BEFORE UPDATE ON movements
BEGIN
    SELECT RAISE(ABORT, 'movements are never changed; record a correcting movement instead');
END;
CREATE TRIGGER movements_are_append_only_delete BEFORE DELETE ON movements
BEGIN
    SELECT RAISE(ABORT, 'movements are never deleted; record a correcting movement instead');
END;

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE CHECK (length(trim(number)) > 0),
    customer_name    TEXT NOT NULL DEFAULT '',
    customer_email   TEXT NOT NULL DEFAULT '',
    customer_phone   TEXT NOT NULL DEFAULT '',
    ship_name        TEXT NOT NULL DEFAULT '',
    ship_address1    TEXT NOT NULL DEFAULT '',
    ship_address2    TEXT NOT NULL DEFAULT '',
    ship_city        TEXT NOT NULL DEFAULT '',
    ship_region      TEXT NOT NULL DEFAULT '',
    ship_postal_code TEXT NOT NULL DEFAULT '',
    ship_country     TEXT NOT NULL DEFAULT '',
    billing_country  TEXT NOT NULL DEFAULT '',
    placed_at        TEXT NOT NULL,
    ship_by          TEXT,
    payment_status   TEXT NOT NULL CHECK (payment_status IN ('paid', 'pending', 'authorized', 'partially_paid', 'refunded', 'partially_refunded', 'failed', 'voided', 'declined')),
    status           TEXT NOT NULL CHECK (status IN ('new', 'held', 'released', 'allocated', 'picking', 'picked', 'packed', 'shipped', 'cancelled')),
    priority         INTEGER NOT NULL DEFAULT 0,
    total_cents      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_status ON orders (status);

CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no          INTEGER NOT NULL,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    qty              INTEGER NOT NULL CHECK (qty > 0),
    unit_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (unit_price_cents >= 0),
    UNIQUE (order_id, line_no)
);
CREATE INDEX order_lines_product ON order_lines (product_id);

-- Every status change of an order, with who, where and why.
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    operator_id INTEGER REFERENCES operators (id),
    station_id  INTEGER REFERENCES stations (id),
    at          TEXT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id);

-- Stock promised to an order line from one location. Allocation writes these; picking
-- consumes them.
CREATE TABLE reservations (
    id            INTEGER PRIMARY KEY,
    order_line_id INTEGER NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    product_id    INTEGER NOT NULL REFERENCES products (id),
    location_id   INTEGER NOT NULL REFERENCES locations (id),
    qty           INTEGER NOT NULL CHECK (qty > 0)
);
CREATE INDEX reservations_stock ON reservations (product_id, location_id);
