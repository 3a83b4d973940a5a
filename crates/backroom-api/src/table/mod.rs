//! The writes many commands share, one file per table, beside their SQL.
//!
//! A primitive here is one statement, or a tight pair, on one table: no access checks, no
//! events, and no validation beyond what the table itself needs (an order's status moves only
//! from the status the caller read). The commands keep their rules and call these to write;
//! a big read query stays beside the command it serves.

pub mod movements;
pub mod order_lines;
pub mod orders;
pub mod reservations;

#[cfg(test)]
pub(crate) mod testing {
    use crate::context::Ctx;
    use crate::devices::board::ScaleBoard;

    /// A migrated database holding one product (id 1), one pick bin (id 1), the packing area
    /// (id 2) and one allocated order `SO-1` (id 1) whose line (id 1) wants 5 units.
    /// Each row is the first of its table, so its id is 1 on both engines.
    const SEED: &str = "
        INSERT INTO products (sku, name) VALUES ('MUG-1', 'Blue mug');
        INSERT INTO locations (code, kind, aisle, block, slot, side)
            VALUES ('A01-1-01-L', 'bin', 1, 1, 1, 'L');
        INSERT INTO locations (code, kind, aisle, block, slot, side)
            VALUES ('PACKING', 'packing', NULL, NULL, NULL, NULL);
        INSERT INTO orders (number, placed_at, payment_status, status)
            VALUES ('SO-1', '2026-11-23T10:00:00Z', 'pending', 'allocated');
        INSERT INTO order_lines (order_id, line_no, product_id, qty) VALUES (1, 1, 1, 5);";

    /// Runs `body` as a command would, in a transaction on that database (on the engine of this
    /// test run), with no one signed in.
    pub fn with_ctx<T>(body: impl FnOnce(&Ctx<'_>) -> T) -> T {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::testing::TestDatabase::new(dir.path());
        db.execute_batch(SEED).unwrap();
        let path = crate::db::files_path(&db.location);
        let mut conn = db.connect();
        let tx =
            conn.begin(crate::store::Access::Write, std::time::Duration::from_secs(1)).unwrap();
        let scales = ScaleBoard::default();
        let mut failed_sign_ins = Vec::new();
        let ctx = Ctx {
            tx: &tx,
            actor: None,
            client: None,
            now: chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").unwrap().to_utc(),
            db_path: &path,
            session: None,
            scales: &scales,
            station_key: None,
            host_fingerprint: None,
            events: Vec::new(),
            failed_sign_ins: &mut failed_sign_ins,
        };
        body(&ctx)
    }
}
