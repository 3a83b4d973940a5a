-- Stations on other machines of the warehouse's network, paired with the host.
--
-- A manager asks for a pairing code for a station; the code is typed at the new station once,
-- within ten minutes, and is exchanged there for a station key. Only hashes of codes and keys
-- are kept, so a copy of the database lets nobody pose as a station.
CREATE TABLE pairing_codes (
    id          INTEGER PRIMARY KEY,
    station_id  INTEGER NOT NULL REFERENCES stations (id),
    code_hash   TEXT NOT NULL UNIQUE,
    created_by  INTEGER REFERENCES operators (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

-- One row per key handed out. Pairing a station again revokes its earlier key; a revoked key
-- stops working at once and never works again.
CREATE TABLE station_keys (
    id            INTEGER PRIMARY KEY,
    station_id    INTEGER NOT NULL REFERENCES stations (id),
    key_hash      TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('desktop', 'browser')),
    paired_at     TEXT NOT NULL,
    paired_from   TEXT,
    last_seen_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX station_keys_station ON station_keys (station_id);

-- A session begun at a paired station is bound to that station's key: it works only with the
-- key, and ends when the key is revoked.
ALTER TABLE sessions ADD COLUMN station_key_id INTEGER REFERENCES station_keys (id);
