//! The packing bench and its scale, in process: the stations' scale watch runs against the scale
//! simulator on a pseudo-terminal. The Zero and Tare keys reach the scale through its monitor
//! and the scale's answer comes back; an unplugged scale takes a typed weight only with a
//! manager's approval and a reason, and the weighing says who approved it. Every wait has a
//! deadline only so that a broken build fails instead of hanging.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use backroom_api::devices::scales::ScaleWatch;
use backroom_api::testing::TestDatabase;
use backroom_api::{ApiError, App, Caller, ErrorCode};
use serde_json::{Value, json};

use crate::scales::{DEADLINE, Sim};
use crate::support;

/// A bench: the small warehouse with its `Pack 2` scale on the simulator and the watch running,
/// two mugs of order 7001 picked, and a packer signed in at `Pack 2`.
struct Bench {
    app: Arc<App>,
    _watch: ScaleWatch,
    _db: TestDatabase,
    _dir: tempfile::TempDir,
    sim: Sim,
    packer: String,
}

impl Bench {
    fn new(sim_args: &[&str], protocol: &str) -> Bench {
        let sim = Sim::start(sim_args);
        let w = support::warehouse();
        w.local(
            "save_station",
            json!({"name": "Pack 2", "scale": {"port": sim.device, "protocol": protocol,
                "baud": 9600, "data_bits": 8, "parity": "none", "stop_bits": 1}}),
        );
        w.local(
            "save_box",
            json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
                   "inner_mm": {"length": 300, "width": 200, "height": 150}}),
        );
        w.local("receive", json!({"product": "MUG-1", "qty": 6, "to": "A01-1-01-L"}));
        let packer = w.sign_in("Pack 2", "OP-PACK");
        let support::Warehouse { app, db, dir } = w;
        let app = Arc::new(app);
        let watch = ScaleWatch::start(&app);
        Bench { app, _watch: watch, _db: db, _dir: dir, sim, packer }
    }

    fn call(&self, token: &str, name: &str, req: Value) -> Result<Value, ApiError> {
        self.app.call(Caller::Session(Some(token)), name, req)
    }

    fn local(&self, name: &str, req: Value) -> Value {
        self.app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// Enters an order for two mugs and picks it.
    fn picked(&self, number: &str) {
        self.local(
            "create_order",
            json!({"number": number, "customer": {"name": "Ada Lovelace"},
                "ship_to": {"name": "Ada Lovelace", "address1": "1 Main St", "city": "Springfield",
                    "postal_code": "12345", "country": "us"},
                "payment_status": "paid", "lines": [{"product": "MUG-1", "qty": 2}]}),
        );
        let picker = self.local("sign_in", json!({"station": "Pick 1", "credential": "OP-PICK"}));
        let picker = picker["token"].as_str().unwrap();
        self.call(
            picker,
            "pick",
            json!({"order": number, "product": "MUG-1", "bin": "A01-1-01-L", "qty": 2}),
        )
        .unwrap();
    }

    /// Waits until the bench's scale shows a status that passes `want`.
    fn wait_scale(&self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let seen = self.call(&self.packer, "station_scale", json!({})).unwrap();
            if want(&seen["status"]) {
                return seen["status"].clone();
            }
            assert!(Instant::now() < deadline, "the scale never showed {what}: {seen}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn weighings(&self, order: &str) -> Vec<Value> {
        self.local("list_weighings", json!({"order": order})).as_array().unwrap().clone()
    }
}

fn stable(grams: f64) -> impl Fn(&Value) -> bool {
    move |status| status["state"] == "stable" && status["grams"] == grams
}

#[test]
fn zero_and_tare_reach_the_scale_and_come_back_with_its_answer() {
    let mut bench =
        Bench::new(&["--protocol", "mt-sics", "--unit", "g", "--weight", "0"], "mt-sics");
    bench.wait_scale("0 g", stable(0.0));
    // Crumbs on the platter: the scale shows 10 g with nothing to weigh.
    bench.sim.control("weight 10");
    bench.wait_scale("10 g", stable(10.0));
    let zeroed = bench.call(&bench.packer, "zero_scale", json!({})).unwrap();
    assert_eq!(zeroed["outcome"], "done", "{zeroed}");
    bench.wait_scale("0 g after zeroing", stable(0.0));
    // The zero holds: a 500 g tray reads 500 g, not 510 g.
    bench.sim.control("weight 510");
    bench.wait_scale("the tray", stable(500.0));
    let tared = bench.call(&bench.packer, "tare_scale", json!({})).unwrap();
    assert_eq!((tared["outcome"].clone(), tared["tare_g"].clone()), (json!("done"), json!(500.0)));
    // MT-SICS does not flag a net weight; the tray's 500 g are gone from the reading.
    bench.wait_scale("0 g net", stable(0.0));

    // Out of the zero range (2 % of 30 kg): the scale refuses, and says why.
    bench.sim.control("weight 5000");
    bench.wait_scale("a heavy load", |s| s["state"] == "stable" && s["grams"] != 0.0);
    let refused = bench.call(&bench.packer, "zero_scale", json!({})).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict);
    assert!(refused.message.contains("refused to zero"), "{refused}");

    // While the scale works on a zero (it waits for a steady weight, here in vain), the
    // database's writer is free: a write from another station commits before the scale answers.
    bench.sim.control("weight 510");
    bench.wait_scale("0 g net", stable(0.0));
    bench.sim.control("motion on");
    bench.wait_scale("motion", |s| s["state"] == "motion");
    let (done, finished) = mpsc::channel();
    let (app, packer) = (&bench.app, bench.packer.as_str());
    std::thread::scope(|scope| {
        let zeroing = done.clone();
        scope.spawn(move || {
            let answer = app.call(Caller::Session(Some(packer)), "zero_scale", json!({}));
            zeroing.send(("zero", answer.is_ok())).unwrap();
        });
        // The zero is on its way once the monitor has it; a write is then sent.
        std::thread::sleep(Duration::from_millis(100));
        let saved = bench.local(
            "save_box",
            json!({"code": "BOX-L", "name": "Large", "tare_g": 400,
                   "inner_mm": {"length": 500, "width": 400, "height": 300}}),
        );
        done.send(("write", saved["code"] == "BOX-L")).unwrap();
    });
    let order: Vec<_> = finished.try_iter().collect();
    assert_eq!(order, [("write", true), ("zero", false)], "the zero in motion is refused last");
    bench.sim.control("motion off");

    // A bench without a watched scale has no key to press here.
    let picker = bench.local("sign_in", json!({"station": "Pick 1", "credential": "OP-PICK"}));
    let err = bench.call(picker["token"].as_str().unwrap(), "zero_scale", json!({})).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("no scale is connected at this bench"), "{err}");

    // Unplugged: the key says so rather than waiting for an answer that cannot come.
    bench.sim.control("disconnect");
    bench.wait_scale("offline", |s| s["state"] == "offline");
    let err = bench.call(&bench.packer, "zero_scale", json!({})).unwrap_err();
    assert!(err.message.contains("not connected: check its cable and power"), "{err}");
}

#[test]
fn a_scale_without_the_command_asks_for_the_key_on_the_scale() {
    // NCI SCP-12 zeroes without a word and has no tare command at all.
    let bench =
        Bench::new(&["--protocol", "nci-scp12", "--unit", "lb", "--weight", "0"], "nci-scp12");
    bench.wait_scale("0 lb", stable(0.0));
    let tare = bench.call(&bench.packer, "tare_scale", json!({})).unwrap();
    assert_eq!(tare["outcome"], "press_on_scale", "{tare}");
    assert_eq!(tare["message"], "Press TARE on the scale itself");
    let zero = bench.call(&bench.packer, "zero_scale", json!({})).unwrap();
    assert_eq!(zero["outcome"], "sent", "{zero}");
}

#[test]
fn an_unplugged_scale_takes_a_typed_weight_only_with_a_managers_approval() {
    let mut bench =
        Bench::new(&["--protocol", "mt-sics", "--unit", "g", "--weight", "0"], "mt-sics");
    bench.picked("7001");
    bench.wait_scale("0 g", stable(0.0));
    let typed = |extra: Value| {
        let mut req = json!({"order": "7001", "box": "BOX-S", "grams": 860});
        req.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        req
    };
    // While the scale is connected, a typed number never stands in for it, approved or not.
    let err = bench
        .call(&bench.packer, "weigh", typed(json!({"manager": "OP-MGR", "reason": "x"})))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{err}");

    bench.sim.control("disconnect");
    bench.wait_scale("offline", |s| s["state"] == "offline");
    let refusals = [
        (json!({}), ErrorCode::Forbidden, "a manager approves a typed weight"),
        (
            json!({"manager": "OP-PACK", "reason": "scale unplugged"}),
            ErrorCode::Forbidden,
            "a manager must approve",
        ),
        (json!({"manager": "OP-MGR"}), ErrorCode::Invalid, "say why the weight is typed"),
    ];
    for (extra, code, says) in refusals {
        let err = bench.call(&bench.packer, "weigh", typed(extra.clone())).unwrap_err();
        assert_eq!(err.code, code, "{extra}: {err}");
        assert!(err.message.contains(says), "{extra}: {err}");
    }
    assert!(bench.weighings("7001").is_empty(), "a refused typed weight is not a weighing");

    let weighed = bench
        .call(
            &bench.packer,
            "weigh",
            typed(json!({"manager": "OP-MGR", "reason": "scale cable cut"})),
        )
        .unwrap();
    assert_eq!(
        (weighed["verdict"]["kind"].clone(), weighed["status"].clone()),
        (json!("pass"), json!("packed"))
    );
    let log = bench.weighings("7001");
    assert_eq!(log.len(), 1);
    let row = &log[0];
    assert_eq!(
        [
            &row["actual_g"],
            &row["operator"],
            &row["typed_by"],
            &row["typed_reason"],
            &row["override_by"]
        ],
        [
            &json!(860.0),
            &json!("Pia Packer"),
            &json!("Max Manager"),
            &json!("scale cable cut"),
            &Value::Null
        ]
    );
    assert!(row["scale"].as_str().unwrap().starts_with("typed while mt-sics on /dev/"), "{row}");
}

#[test]
fn where_the_store_asks_it_the_manager_gives_badge_and_pin() {
    let mut bench =
        Bench::new(&["--protocol", "mt-sics", "--unit", "g", "--weight", "0"], "mt-sics");
    let mut settings = bench.local("get_settings", json!({}));
    settings["security"]["managers_need_badge_and_pin"] = json!(true);
    bench.local("save_settings", settings);
    bench.picked("7002");
    bench.wait_scale("0 g", stable(0.0));
    bench.sim.control("disconnect");
    bench.wait_scale("offline", |s| s["state"] == "offline");
    let weigh = |manager: &str, pin: Option<&str>| {
        let req = json!({"order": "7002", "box": "BOX-S", "grams": 860, "manager": manager,
            "pin": pin, "reason": "scale away for repair"});
        bench.call(&bench.packer, "weigh", req)
    };
    let err = weigh("OP-MGR", None).unwrap_err();
    assert_eq!(err.code, ErrorCode::PinNeeded, "{err}");
    // A PIN twice is not a badge and a PIN.
    let err = weigh("9999", Some("9999")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err}");
    // Another operator's PIN does not go with the manager's badge.
    let err = weigh("OP-MGR", Some("2222")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err}");
    assert!(bench.weighings("7002").is_empty());
    let weighed = weigh("OP-MGR", Some("9999")).unwrap();
    assert_eq!(weighed["status"], "packed", "{weighed}");
    assert_eq!(bench.weighings("7002")[0]["typed_by"], "Max Manager");
}
