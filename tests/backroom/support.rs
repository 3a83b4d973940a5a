//! A small warehouse to test against: a layout, areas, three products, stations and operators.

use backroom_api::testing::TestDatabase;
use backroom_api::{App, Caller};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct Warehouse {
    pub app: App,
    /// The database, on the engine this test run chose (see `TestDatabase`).
    pub db: TestDatabase,
    pub dir: TempDir,
}

impl Warehouse {
    /// The database as `--db` names it to a `backroom` process: a file path or a PostgreSQL
    /// connection string.
    pub fn db_arg(&self) -> String {
        self.db.location.to_arg()
    }

    /// Runs a command as the local manager and returns its reply, panicking with the error.
    pub fn local(&self, name: &str, req: Value) -> Value {
        self.app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name} failed: {e}"))
    }

    /// Signs in at a station and returns the session token.
    pub fn sign_in(&self, station: &str, credential: &str) -> String {
        let session = self.local("sign_in", json!({"station": station, "credential": credential}));
        session["token"].as_str().unwrap().to_owned()
    }

    pub fn on_hand(&self, sku: &str) -> i64 {
        self.local("lookup_product", json!({"code": sku}))["totals"]["on_hand"].as_i64().unwrap()
    }
}

pub const LAYOUT: &str = r#"{"name":"test","aisles":4,"blocks":2,"slots_per_side":5,
    "slot_length_m":1.0,"aisle_pitch_m":3.0,"cross_aisle_m":2.0}"#;

/// Opens a fresh database and sets up the small warehouse.
pub fn warehouse() -> Warehouse {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::new(dir.path());
    let w = Warehouse { app: db.open(), db, dir };
    let layout: Value = serde_json::from_str(LAYOUT).unwrap();
    w.local("set_layout", json!({ "layout": layout }));
    for (code, kind) in
        [("RECEIVING", "receiving"), ("PACKING", "packing"), ("QUARANTINE", "quarantine")]
    {
        w.local("save_area", json!({"code": code, "kind": kind}));
    }
    w.local(
        "save_product",
        json!({"sku": "MUG-1", "name": "Mug, blue", "unit_weight": "350 g",
        "price_cents": 1299, "barcodes": ["036000291452"]}),
    );
    w.local(
        "save_product",
        json!({"sku": "TEE-M", "name": "T-shirt M", "unit_weight": "0.4 lb",
        "price_cents": 1999, "barcodes": ["4006381333931", "BR-TEE-M"]}),
    );
    w.local(
        "save_product",
        json!({"sku": "BOOK-9", "name": "Βιβλίο / Книга", "price_cents": 2500}),
    );
    w.local("save_station", json!({"name": "Pick 1"}));
    w.local("save_station", json!({"name": "Pack 1", "printer": "PDF",
        "scale": {"port": "/dev/ttyUSB0", "protocol": "nci", "baud": 9600, "data_bits": 7, "parity": "even", "stop_bits": 1}}));
    w.local(
        "save_operator",
        json!({"name": "Pat Picker", "role": "picker", "badge": "OP-PICK", "pin": "1111"}),
    );
    w.local(
        "save_operator",
        json!({"name": "Pia Packer", "role": "packer", "badge": "OP-PACK", "pin": "2222"}),
    );
    w.local(
        "save_operator",
        json!({"name": "Max Manager", "role": "manager", "badge": "OP-MGR", "pin": "9999"}),
    );
    w
}

/// Receives `qty` of a product into a location (receiving, quarantine or a pick bin) as the
/// local manager.
pub fn receive(w: &Warehouse, sku: &str, to: &str, qty: i64) {
    w.local("receive", json!({"product": sku, "qty": qty, "to": to}));
}

/// Enters an order for the given (sku, qty) lines.
pub fn order(w: &Warehouse, number: &str, lines: &[(&str, i64)]) {
    let lines: Vec<Value> =
        lines.iter().map(|(sku, qty)| json!({"product": sku, "qty": qty})).collect();
    w.local(
        "create_order",
        json!({
            "number": number,
            "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
            "ship_to": {"name": "Ada Lovelace", "address1": "1 Main St", "city": "Springfield",
                        "postal_code": "12345", "country": "us"},
            "payment_status": "paid",
            "ship_by": "2026-12-01",
            "lines": lines,
        }),
    );
}

/// Runs a test's requests on a runtime of its own. On a PostgreSQL run the database client
/// blocks and may not run on the runtime's thread, so a test sets its warehouse up before and
/// drops it after, outside.
pub fn block_on<F: std::future::Future>(requests: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(requests)
}
