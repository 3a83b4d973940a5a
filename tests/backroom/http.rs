use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use backroom_api::App;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{self, Warehouse};

/// Sends one request to the router without a port and returns the status and JSON body.
async fn send(
    router: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let mut req =
        Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let response =
        router.clone().oneshot(req.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

async fn post(router: &Router, name: &str, token: Option<&str>, req: Value) -> (StatusCode, Value) {
    send(router, "POST", &format!("/api/{name}"), token, &req.to_string()).await
}

fn serve(w: Warehouse) -> (Router, Warehouse) {
    let app = App::open(&w.db_path()).unwrap();
    (backroom::serve::router(Arc::new(app), None), w)
}

/// A request for every command and the status it must answer with, against the test
/// warehouse. The test fails if a command is added without a case here.
fn cases() -> Vec<(&'static str, Value, u16)> {
    vec![
        ("health", json!({}), 200),
        ("list_stations", json!({}), 200),
        ("sign_in", json!({"station": "Pick 1", "credential": "9999"}), 200),
        ("whoami", json!({}), 200),
        ("list_operators", json!({}), 200),
        ("save_operator", json!({"name": "New Hire", "role": "picker", "badge": "OP-NEW"}), 200),
        ("save_station", json!({"name": "Pack 2", "printer": "PDF"}), 200),
        ("search_products", json!({"text": "mug"}), 200),
        ("lookup_product", json!({"code": "036000291452"}), 200),
        ("save_product", json!({"sku": "CAP-1", "name": "Cap", "unit_weight": "3 oz"}), 200),
        ("get_layout", json!({}), 200),
        (
            "set_layout",
            json!({"layout": serde_json::from_str::<Value>(support::LAYOUT).unwrap()}),
            200,
        ),
        ("list_locations", json!({"prefix": "A01"}), 200),
        ("save_area", json!({"code": "SHIPPING", "kind": "shipping"}), 200),
        (
            "record_movement",
            json!({"kind": "receipt", "product": "MUG-1", "qty": 5, "to": "A01-1-01-L"}),
            200,
        ),
        ("list_movements", json!({"product": "MUG-1"}), 200),
        ("check_ledger", json!({}), 200),
        (
            "create_order",
            json!({"number": "1001", "customer": {"name": "Ann"},
            "ship_to": {"name": "Ann", "address1": "1 Road", "city": "Town", "postal_code": "1", "country": "US"},
            "payment_status": "paid", "lines": [{"product": "MUG-1", "qty": 1}]}),
            200,
        ),
        ("list_orders", json!({"text": ""}), 200),
        ("get_order", json!({"number": "1001"}), 200),
        (
            "change_order_status",
            json!({"number": "1001", "to": "held", "reason": "customer called"}),
            200,
        ),
        ("list_holds", json!({"rule": "address"}), 200),
        ("release_order", json!({"number": "1001", "reason": "address confirmed by phone"}), 200),
        ("stock_in_location", json!({"location": "a1-1-1-l"}), 200),
        ("hold_order", json!({"number": "1001", "reason": "customer called"}), 200),
        ("release_new_orders", json!({}), 200),
        ("allocate", json!({}), 200),
        ("record_chargeback", json!({"number": "1001", "reason": "card dispute"}), 200),
        ("cancel_order", json!({"number": "1001", "reason": "customer cancelled"}), 200),
        // A cancelled order is neither picked nor shipped.
        ("pick", json!({"order": "1001", "product": "MUG-1", "bin": "A01-1-01-L", "qty": 1}), 409),
        (
            "report_short",
            json!({"order": "1001", "product": "MUG-1", "bin": "A01-1-01-L", "found": 0}),
            409,
        ),
        ("ship_order", json!({"number": "1001"}), 409),
        // Nothing allocated is waiting, so no list is planned and list 1 does not exist.
        ("plan_pick_lists", json!({"totes": 4}), 409),
        ("list_pick_lists", json!({}), 200),
        ("get_pick_list", json!({"id": 1}), 404),
        (
            "expect_receipt",
            json!({"reference": "PO-7", "supplier": "Acme", "expected_on": "2026-12-01",
                   "lines": [{"product": "MUG-1", "qty": 10}]}),
            200,
        ),
        ("list_expected_receipts", json!({}), 200),
        ("receive", json!({"product": "036000291452", "qty": 4, "reference": "PO-7"}), 200),
        ("put_away", json!({"product": "MUG-1", "qty": 4, "to": "A01-1-02-L"}), 200),
        ("create_counts", json!({"prefix": "A04-2", "reason": "aisle audit"}), 200),
        ("list_counts", json!({}), 200),
        // There is no count task 999.
        ("submit_count", json!({"task": 999, "lines": [{"product": "MUG-1", "qty": 1}]}), 404),
        ("decide_count", json!({"task": 999, "decision": "reject", "note": "wrong bin"}), 404),
        // Order 1001 never shipped, so nothing of it can come back.
        (
            "receive_return",
            json!({"order": "#1001", "lines": [{"product": "MUG-1", "qty": 1, "reason": "damaged",
                                               "disposition": "quarantine"}]}),
            409,
        ),
        ("list_returns", json!({"order": "1001"}), 200),
        ("import_csv", json!({"table": "products", "csv": "sku,name\nPEN-1,Pen\n"}), 200),
        ("export_csv", json!({"table": "products"}), 200),
        ("get_settings", json!({}), 200),
        ("save_settings", json!({"slip": {"store_name": "Corner Shop"}}), 200),
        ("slip_pdf", json!({"order": "1001", "size": "4x6"}), 200),
        ("slip_batch_pdf", json!({"orders": ["1001"]}), 200),
        // Pick 1 has no printer, and none is named.
        ("print_slip", json!({"order": "1001"}), 400),
        // The demo loads only into an empty database; this one is not.
        ("load_demo", json!({}), 409),
        ("list_boxes", json!({}), 200),
        (
            "save_box",
            json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
                   "inner_mm": {"length": 300, "width": 200, "height": 150}}),
            200,
        ),
        ("suggest_box", json!({"order": "1001"}), 200),
        ("station_scale", json!({}), 200),
        ("expected_weight", json!({"order": "1001", "box": "BOX-S"}), 200),
        // Order 1001 is cancelled: it is neither weighed nor packed over a weighing.
        ("weigh", json!({"order": "1001", "box": "BOX-S", "grams": 500, "stable": true}), 409),
        ("override_weighing", json!({"order": "1001", "reason": "weighed by hand"}), 409),
        ("list_weighings", json!({"order": "1001", "limit": 10}), 200),
        ("unweighed_products", json!({}), 200),
        (
            "fill_rates",
            json!({"from": "2026-01-01", "to": "2026-12-31", "group_by": ["month"]}),
            200,
        ),
        ("fill_rate_orders", json!({"measure": "units_first_time"}), 200),
        ("stock_levels", json!({"filter": "reorder", "sort": "cover"}), 200),
        ("what_if", json!({"sku": "MUG-1", "levels": [1.0, 2.0]}), 200),
        ("set_lead_time", json!({"sku": "NO-SUCH-SKU", "days": 10}), 404),
        ("dashboard", json!({"days": 7}), 200),
        ("manifest", json!({}), 200),
        // Nothing is packed for UPS, so there is nothing to close and no manifest 1.
        ("close_manifest", json!({"carrier": "UPS"}), 404),
        ("list_manifests", json!({}), 200),
        ("manifest_file", json!({"id": 1, "format": "pdf"}), 404),
        ("sign_out", json!({}), 200),
    ]
}

#[tokio::test]
async fn every_command_answers_over_http() {
    let (router, _w) = serve(support::warehouse());
    let declared: BTreeSet<&str> = backroom_api::commands::names().into_iter().collect();
    let covered: BTreeSet<&str> = cases().iter().map(|(name, _, _)| *name).collect();
    assert_eq!(covered, declared, "every declared command needs a case here");

    let (_, session) =
        post(&router, "sign_in", None, json!({"station": "Office", "credential": "9999"})).await;
    assert_eq!(session["code"], "not_found", "there is no Office station: {session}");
    let (status, session) =
        post(&router, "sign_in", None, json!({"station": "Pick 1", "credential": "OP-MGR"})).await;
    assert_eq!(status, 200, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();

    for (name, req, expected) in cases() {
        let (status, body) = post(&router, name, Some(&token), req).await;
        assert_eq!(status.as_u16(), expected, "{name} answered {status}: {body}");
        if status.is_success() {
            assert!(!body.is_null(), "{name} answered no JSON");
        } else {
            assert!(body["code"].is_string() && body["message"].is_string(), "{name}: {body}");
        }
    }
}

#[tokio::test]
async fn health_and_command_list() {
    let (router, _w) = serve(support::warehouse());
    let (status, health) = send(&router, "GET", "/api/health", None, "").await;
    assert_eq!(status, 200);
    assert_eq!(health["ok"], true);
    assert_eq!(health["schema"], backroom_api::db::schema_version());
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["empty"], false);
    let (status, names) = send(&router, "GET", "/api/commands", None, "").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = names.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(names, backroom_api::commands::names());
}

#[tokio::test]
async fn bad_requests_get_structured_errors() {
    let (router, w) = serve(support::warehouse());
    let token = w.sign_in("Pick 1", "OP-PICK");

    let (status, body) = post(&router, "no_such_command", Some(&token), json!({})).await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (404, Some("unknown_command")));

    let (status, body) =
        send(&router, "POST", "/api/search_products", Some(&token), "{\"text\": ").await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (400, Some("bad_request")));

    let (status, body) = post(&router, "lookup_product", Some(&token), json!({"code": 7})).await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (400, Some("bad_request")), "{body}");

    let (status, body) = post(&router, "search_products", None, json!({})).await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (403, Some("not_signed_in")));

    let (status, body) =
        post(&router, "save_product", Some(&token), json!({"sku": "X", "name": "X"})).await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (403, Some("forbidden")));
    assert!(body["message"].as_str().unwrap().contains("ask a manager"), "{body}");

    let (status, body) =
        post(&router, "lookup_product", Some(&token), json!({"code": "0000"})).await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (404, Some("not_found")));
    assert!(
        body["message"].as_str().unwrap().contains("0000"),
        "the message names the code: {body}"
    );

    let (status, body) = send(&router, "GET", "/api/nowhere/deeper", None, "").await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (404, Some("unknown_command")));

    let (status, body) = post(&router, "search_products", Some("forged-token"), json!({})).await;
    assert_eq!((status.as_u16(), body["code"].as_str()), (403, Some("not_signed_in")));
}

#[tokio::test]
async fn a_scanned_barcode_finds_its_product_and_stock() {
    let (router, w) = serve(support::warehouse());
    support::receive(&w, "TEE-M", "A02-1-03-R", 12);
    support::receive(&w, "TEE-M", "QUARANTINE", 2);
    let token = w.sign_in("Pick 1", "1111");
    let (status, found) =
        post(&router, "lookup_product", Some(&token), json!({"code": "4006381333931"})).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["product"]["sku"], "TEE-M");
    assert!((found["product"]["unit_weight_g"].as_f64().unwrap() - 181.437).abs() < 0.01);
    assert_eq!(found["totals"], json!({"on_hand": 14, "reserved": 0, "available": 12}));
    let places: Vec<(&str, i64)> = found["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["location"].as_str().unwrap(), l["on_hand"].as_i64().unwrap()))
        .collect();
    assert_eq!(places, [("A02-1-03-R", 12), ("QUARANTINE", 2)]);
}

#[tokio::test]
async fn the_ui_folder_is_served_with_an_spa_fallback() {
    let w = support::warehouse();
    let ui = w.dir.path().join("dist");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<title>Backroom UI</title>").unwrap();
    let router = backroom::serve::router(Arc::new(App::open(&w.db_path()).unwrap()), Some(ui));
    for path in ["/", "/orders/1001"] {
        let response =
            router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("Backroom UI"), "{path}");
    }
}

#[tokio::test]
async fn events_stream_to_every_screen_after_a_commit() {
    let w = support::warehouse();
    let app = Arc::new(App::open(&w.db_path()).unwrap());
    let router = backroom::serve::router(app.clone(), None);
    let response = router
        .clone()
        .oneshot(Request::get("/api/events").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    let token = w.sign_in("Pick 1", "OP-PICK");
    let (status, _) = post(
        &router,
        "record_movement",
        Some(&token),
        json!({"kind": "receipt", "product": "MUG-1", "qty": 2, "to": "RECEIVING"}),
    )
    .await;
    assert_eq!(status, 200);
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
        .await
        .expect("an event arrives")
        .unwrap()
        .unwrap();
    let text = String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap();
    let data = text.trim().strip_prefix("data:").unwrap().trim();
    let event: Value = serde_json::from_str(data).unwrap();
    assert_eq!(event, json!({"type": "stock_changed", "skus": ["MUG-1"]}));
}

#[tokio::test]
async fn a_refused_command_announces_nothing() {
    let w = support::warehouse();
    let mut events = w.app.subscribe();
    let err = w.app.call(backroom_api::Caller::Local, "record_movement",
        json!({"kind": "transfer", "product": "MUG-1", "qty": 1, "from": "A01-1-01-L", "to": "RECEIVING"}));
    assert!(err.is_err());
    assert!(events.try_recv().is_err(), "no event for a rolled-back command");
}

#[tokio::test]
async fn a_large_import_is_not_refused_for_its_size() {
    let (router, _w) = serve(support::warehouse());
    let (_, session) =
        post(&router, "sign_in", None, json!({"station": "Pick 1", "credential": "OP-MGR"})).await;
    let token = session["token"].as_str().unwrap().to_owned();
    // About 3 MB: more than a web server's usual default limit of 2 MB.
    let mut csv = String::from("sku,name\n");
    for n in 0..60_000 {
        csv.push_str(&format!("LONG-SKU-{n:08},A product with a long descriptive name {n}\n"));
    }
    assert!(csv.len() > 3_000_000);
    let req = json!({"table": "products", "csv": csv, "dry_run": true});
    let (status, report) = post(&router, "import_csv", Some(&token), req).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rows"], 60_000);
}
