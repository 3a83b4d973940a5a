-- Packing: the box types a packer scans, and the weight audit's log of every weighing.

-- A box type. The code is the barcode printed on the box, so a scan names it; the tare and
-- inner dimensions feed the expected weight and the smallest-box suggestion.
CREATE TABLE boxes (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    name      TEXT NOT NULL,
    tare_g    REAL NOT NULL CHECK (tare_g >= 0),
    length_mm REAL NOT NULL CHECK (length_mm > 0),
    width_mm  REAL NOT NULL CHECK (width_mm > 0),
    height_mm REAL NOT NULL CHECK (height_mm > 0),
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- Every weighing of a packed box, whatever its verdict, with who, where, on which scale and
-- when. Expected and tolerance are NULL when the order cannot be audited. A manager's override
-- of a failed weighing is written onto that row.
CREATE TABLE weighings (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    box_code        TEXT NOT NULL,
    expected_g      REAL,
    tolerance_g     REAL,
    actual_g        REAL NOT NULL,
    verdict         TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'no_verdict', 'cannot_audit')),
    cause           TEXT NOT NULL DEFAULT '',
    operator_id     INTEGER REFERENCES operators (id),
    station_id      INTEGER REFERENCES stations (id),
    scale           TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL,
    override_by     INTEGER REFERENCES operators (id),
    override_reason TEXT,
    override_at     TEXT,
    CHECK ((override_reason IS NULL) = (override_at IS NULL))
);
CREATE INDEX weighings_order ON weighings (order_id);
CREATE INDEX weighings_verdict ON weighings (verdict, at);
