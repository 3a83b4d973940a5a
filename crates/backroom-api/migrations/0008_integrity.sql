-- Integrity: bounds on what is stored, the sign-in log that lockouts are counted from, and a
-- log of settings changes.
--
-- The bounds are triggers rather than new CHECK clauses because SQLite cannot add a CHECK to a
-- table without copying it, and a copy would fail on a database that already holds an
-- out-of-range row (movements are never changed). The triggers refuse new values only; `db
-- check` reports old ones. Each message is the bound's name, which the API reads.

CREATE TRIGGER movements_qty_bound BEFORE INSERT ON movements
WHEN NEW.qty NOT BETWEEN 1 AND 1000000
BEGIN
    SELECT RAISE(ABORT, 'bound:movement_qty');
END;

CREATE TRIGGER stock_on_hand_bound_insert BEFORE INSERT ON stock
WHEN NEW.on_hand > 1000000000
BEGIN
    SELECT RAISE(ABORT, 'bound:on_hand');
END;
CREATE TRIGGER stock_on_hand_bound_update BEFORE UPDATE OF on_hand ON stock
WHEN NEW.on_hand > 1000000000
BEGIN
    SELECT RAISE(ABORT, 'bound:on_hand');
END;

CREATE TRIGGER order_lines_qty_bound_insert BEFORE INSERT ON order_lines
WHEN NEW.qty NOT BETWEEN 1 AND 1000000 OR NEW.unit_price_cents NOT BETWEEN 0 AND 100000000
BEGIN
    SELECT RAISE(ABORT, 'bound:order_line');
END;
CREATE TRIGGER order_lines_qty_bound_update BEFORE UPDATE ON order_lines
WHEN NEW.qty NOT BETWEEN 1 AND 1000000
  OR NEW.picked_qty + NEW.shipped_qty + NEW.cancelled_qty > NEW.qty
BEGIN
    SELECT RAISE(ABORT, 'bound:order_line');
END;

CREATE TRIGGER reservations_qty_bound BEFORE INSERT ON reservations
WHEN NEW.qty NOT BETWEEN 1 AND 1000000
BEGIN
    SELECT RAISE(ABORT, 'bound:reservation_qty');
END;

CREATE TRIGGER count_lines_bound BEFORE INSERT ON count_lines
WHEN NEW.counted > 1000000
BEGIN
    SELECT RAISE(ABORT, 'bound:counted');
END;

CREATE TRIGGER expected_receipts_qty_bound BEFORE INSERT ON expected_receipts
WHEN NEW.qty_expected NOT BETWEEN 1 AND 1000000
BEGIN
    SELECT RAISE(ABORT, 'bound:expected_qty');
END;

CREATE TRIGGER products_bound_insert BEFORE INSERT ON products
WHEN NEW.price_cents > 100000000 OR NEW.unit_weight_g > 1000000
  OR NEW.length_mm > 10000 OR NEW.width_mm > 10000 OR NEW.height_mm > 10000
BEGIN
    SELECT RAISE(ABORT, 'bound:product');
END;
CREATE TRIGGER products_bound_update BEFORE UPDATE ON products
WHEN NEW.price_cents > 100000000 OR NEW.unit_weight_g > 1000000
  OR NEW.length_mm > 10000 OR NEW.width_mm > 10000 OR NEW.height_mm > 10000
BEGIN
    SELECT RAISE(ABORT, 'bound:product');
END;

CREATE TRIGGER weighings_bound BEFORE INSERT ON weighings
WHEN NEW.actual_g NOT BETWEEN -1000000 AND 1000000
BEGIN
    SELECT RAISE(ABORT, 'bound:weighing');
END;

-- Every sign-in attempt that failed, with the station and the client address it came from.
-- Lockouts are counted from here: failures since the last success at that station or address.
CREATE TABLE sign_in_attempts (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER REFERENCES stations (id),
    address     TEXT,
    operator_id INTEGER REFERENCES operators (id),
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    at          TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_station ON sign_in_attempts (station_id, ok, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address, ok, at);

-- Who changed which settings section, when, and to what.
CREATE TABLE settings_changes (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    operator_id INTEGER REFERENCES operators (id),
    station_id  INTEGER REFERENCES stations (id),
    at          TEXT NOT NULL
);
