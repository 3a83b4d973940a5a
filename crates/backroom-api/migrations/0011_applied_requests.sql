-- Write commands a station sent with a request id, and the reply each got. A station that lost
-- a reply in a reconnect sends the same id again and is answered from here, so nothing is
-- applied twice. Rows are written in the command's own transaction and kept for a day.
CREATE TABLE applied_requests (
    -- Who sent it: an operator at a station, the local command line, or an address.
    caller      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    command     TEXT NOT NULL,
    -- SHA-256 of the request as sent, so the same id with another request is refused.
    request_sha256 TEXT NOT NULL,
    reply       TEXT NOT NULL,
    applied_at  TEXT NOT NULL,
    PRIMARY KEY (caller, request_id)
) WITHOUT ROWID;

CREATE INDEX applied_requests_by_time ON applied_requests (applied_at);
