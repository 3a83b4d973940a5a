-- The end-of-day manifest: which carrier takes each order, and the packages handed to a
-- carrier at close-out.

-- The carrier that collects the order and the service bought from it ("UPS Ground"). Empty
-- means not known; the manifest then hands the order to the store's default carrier.
ALTER TABLE orders ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN service TEXT NOT NULL DEFAULT '';

-- One carrier's close-out: the packages it collected, who closed it and when. The counts are
-- kept with the manifest so the list of manifests needs no sums.
CREATE TABLE manifests (
    id           INTEGER PRIMARY KEY,
    carrier      TEXT NOT NULL CHECK (length(trim(carrier)) > 0),
    -- The day (UTC, YYYY-MM-DD) whose packages it holds.
    day          TEXT NOT NULL,
    closed_at    TEXT NOT NULL,
    closed_by    INTEGER REFERENCES operators (id),
    station_id   INTEGER REFERENCES stations (id),
    packages     INTEGER NOT NULL CHECK (packages > 0),
    total_g      REAL NOT NULL CHECK (total_g >= 0)
);
CREATE INDEX manifests_day ON manifests (day, carrier);

-- A package on a manifest. A package is the weighing that packed it (a pass, or a failed one a
-- manager overrode), so an order shipped in two parts is two packages. UNIQUE on the weighing
-- is what keeps a package off a second manifest, even when two stations close at once. The
-- service and weight are copied as they were handed over.
CREATE TABLE manifest_packages (
    id           INTEGER PRIMARY KEY,
    manifest_id  INTEGER NOT NULL REFERENCES manifests (id),
    weighing_id  INTEGER NOT NULL UNIQUE REFERENCES weighings (id),
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    service      TEXT NOT NULL,
    weight_g     REAL NOT NULL CHECK (weight_g >= 0)
);
CREATE INDEX manifest_packages_manifest ON manifest_packages (manifest_id);

-- Whether a package went out is read from the order's ship movements.
CREATE INDEX movements_order ON movements (order_id, kind) WHERE order_id IS NOT NULL;
