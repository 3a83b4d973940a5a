-- Where each station's scale and printer are attached: to the host, which opens the scale's
-- port and prints on its own CUPS queue (as before), or to the station's own computer, whose
-- Backroom program opens the port there, sends the scale's readings to the host with the
-- station's key, and prints the host's slips on its own queue.
ALTER TABLE stations ADD COLUMN scale_at TEXT NOT NULL DEFAULT 'host'
    CHECK (scale_at IN ('host', 'station'));
ALTER TABLE stations ADD COLUMN printer_at TEXT NOT NULL DEFAULT 'host'
    CHECK (printer_at IN ('host', 'station'));
