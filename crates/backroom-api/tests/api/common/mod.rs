//! What the API's test modules share: a new database file, and commands run as the local manager
//! or as an operator signed in at a station. Each module adds its own helpers on top.

pub mod sim;

use std::sync::Arc;

use backroom_api::testing::TestDatabase;
use backroom_api::{ApiError, App, Caller};
use serde_json::{Value, json};

pub struct Warehouse {
    pub app: Arc<App>,
    pub db: TestDatabase,
    _dir: tempfile::TempDir,
}

impl Warehouse {
    /// An empty database of its own (a file in a folder of its own, or a database on the test
    /// run's PostgreSQL server), removed when the warehouse is dropped.
    pub fn open() -> Warehouse {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::new(dir.path());
        let app = Arc::new(db.open());
        Warehouse { app, db, _dir: dir }
    }

    /// A new database with a small pick area (4 aisles, 2 blocks, 5 slots a side: bins
    /// `A01-1-01-L` to `A04-2-05-R`) and receiving and packing areas: the floor most tests need.
    pub fn with_floor() -> Warehouse {
        let w = Warehouse::open();
        w.local(
            "set_layout",
            json!({"layout": {"name": "t", "aisles": 4, "blocks": 2, "slots_per_side": 5,
                "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
        );
        for (code, kind) in [("RECEIVING", "receiving"), ("PACKING", "packing")] {
            w.local("save_area", json!({"code": code, "kind": kind}));
        }
        w
    }

    /// Runs a command as the local manager, panicking with its error.
    pub fn local(&self, name: &str, req: Value) -> Value {
        self.app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// Runs a command as the operator with this badge, signed in at `station`.
    pub fn at(
        &self,
        station: &str,
        badge: &str,
        name: &str,
        req: Value,
    ) -> Result<Value, ApiError> {
        let session = self.local("sign_in", json!({"station": station, "credential": badge}));
        self.app.call(Caller::Session(session["token"].as_str()), name, req)
    }

    /// Packs a picked order the one way an order becomes packed: the operator with this badge
    /// weighs it in a test box at `station` (which watches no scale, so the weight is typed) and
    /// the scale shows exactly what the order should weigh. Its products need unit weights.
    pub fn weigh_to_pack(&self, station: &str, badge: &str, number: &str) -> Value {
        self.local(
            "save_box",
            json!({"code": "BOX-T", "name": "Test box", "tare_g": 100,
                   "inner_mm": {"length": 400, "width": 300, "height": 300}}),
        );
        let expected = self.local("expected_weight", json!({"order": number, "box": "BOX-T"}));
        assert_eq!(expected["cannot_audit"], json!([]), "{expected}");
        let weighed = self
            .at(
                station,
                badge,
                "weigh",
                json!({"order": number, "box": "BOX-T", "grams": expected["expected_g"],
                       "stable": true}),
            )
            .unwrap_or_else(|e| panic!("weigh: {e}"));
        assert_eq!(weighed["status"], "packed", "{weighed}");
        weighed
    }
}
