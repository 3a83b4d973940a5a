-- Pick lists: one cart's worth of orders, each in its own tote, walked in one tour.
CREATE TABLE pick_lists (
    id         INTEGER PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('open', 'picking', 'done', 'cancelled')),
    totes      INTEGER NOT NULL CHECK (totes >= 1),
    -- The optimal tour through the list's bins when it was planned, in metres.
    distance_m REAL NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES operators (id)
);
CREATE INDEX pick_lists_status ON pick_lists (status);

CREATE TABLE pick_list_orders (
    list_id  INTEGER NOT NULL REFERENCES pick_lists (id),
    order_id INTEGER NOT NULL REFERENCES orders (id),
    tote     INTEGER NOT NULL CHECK (tote >= 1),
    PRIMARY KEY (list_id, order_id)
);
CREATE INDEX pick_list_orders_order ON pick_list_orders (order_id);
