use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, request};
use backroom::serve::{Allowed, Connection};
use backroom_api::App;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{self, Warehouse};

/// The address the routers below act as if they listened on; no port is opened.
const HOST: &str = "127.0.0.1:7878";

/// The router as `backroom serve --addr 127.0.0.1:7878` builds it, every request coming from a
/// client on this machine.
fn router(app: Arc<App>, ui: Option<PathBuf>) -> Router {
    router_at(app, ui, HOST, HOST, &[], &[])
}

/// The router of a server listening at `listening` with extra `hosts` and `origins`, every
/// request arriving at the machine's address `arrived_at`.
fn router_at(
    app: Arc<App>,
    ui: Option<PathBuf>,
    listening: &str,
    arrived_at: &str,
    hosts: &[&str],
    origins: &[&str],
) -> Router {
    let listening: SocketAddr = listening.parse().unwrap();
    let hosts: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    let origins: Vec<String> = origins.iter().map(|o| o.to_string()).collect();
    let allowed = Allowed::new(listening, &hosts, &origins).unwrap();
    let connection = Connection {
        client: "127.0.0.1:50000".parse().unwrap(),
        local: arrived_at.parse().unwrap(),
    };
    backroom::serve::router(app, ui, allowed).layer(MockConnectInfo(connection))
}

/// A request to the server's own host.
fn request(method: &str, uri: &str) -> request::Builder {
    Request::builder().method(method).uri(uri).header("host", HOST)
}

/// Sends one request to the router without a port and returns the status, the headers and the
/// JSON body (`Null` when it is not JSON).
async fn answer(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    if headers.get("content-type").is_some_and(|t| t == "text/event-stream") {
        return (status, headers, Value::Null);
    }
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Sends one JSON request to the router and returns the status and JSON body.
async fn send(
    router: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let mut req = request(method, uri).header("content-type", "application/json");
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let (status, _, json) = answer(router, req.body(Body::from(body.to_owned())).unwrap()).await;
    (status, json)
}

async fn post(router: &Router, name: &str, token: Option<&str>, req: Value) -> (StatusCode, Value) {
    send(router, "POST", &format!("/api/{name}"), token, &req.to_string()).await
}

fn serve(w: Warehouse) -> (Router, Warehouse) {
    let app = App::open_at(&w.db.location).unwrap();
    (router(Arc::new(app), None), w)
}

/// A request for every command and the status it must answer with, against the test
/// warehouse. The test fails if a command is added without a case here.
fn cases() -> Vec<(&'static str, Value, u16)> {
    vec![
        ("health", json!({}), 200),
        ("list_stations", json!({}), 200),
        ("sign_in", json!({"station": "Pick 1", "credential": "9999"}), 200),
        ("whoami", json!({}), 200),
        ("set_my_language", json!({"language": "es"}), 200),
        ("list_operators", json!({}), 200),
        ("save_operator", json!({"name": "New Hire", "role": "picker", "badge": "OP-NEW"}), 200),
        ("save_station", json!({"name": "Pack 2", "printer": "PDF"}), 200),
        ("create_pairing_code", json!({"station": "Pack 2"}), 200),
        ("pair_station", json!({"code": "AAAA-AAAA"}), 400),
        ("revoke_station", json!({"station": "Pack 2"}), 200),
        ("list_paired_stations", json!({}), 200),
        ("search_products", json!({"text": "mug"}), 200),
        ("lookup_product", json!({"code": "036000291452"}), 200),
        ("save_product", json!({"sku": "CAP-1", "name": "Cap", "unit_weight": "3 oz"}), 200),
        ("product_image", json!({"code": "MUG-1", "inline": true}), 200),
        (
            "set_product_image",
            json!({"sku": "MUG-1", "source": "https://shop.invalid/mug.png"}),
            200,
        ),
        ("images_to_fetch", json!({}), 200),
        (
            "record_image_fetch",
            json!({"sku": "MUG-1", "source": "https://shop.invalid/mug.png", "error": "no answer"}),
            200,
        ),
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
            json!({"kind": "adjustment", "product": "MUG-1", "qty": 5, "to": "A01-1-01-L",
                   "reason": "found"}),
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
        ("take_pick_list", json!({"totes": 4}), 409),
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
        // Order 1001 has no line naming an unknown product.
        ("map_unknown_line", json!({"number": "1001", "name": "Pen XL", "product": "PEN-1"}), 404),
        (
            "save_import_mapping",
            json!({"name": "etsy", "columns": {"order_number": "Order ID",
                                               "quantity": "Quantity", "sku": "SKU"}}),
            200,
        ),
        ("list_import_mappings", json!({}), 200),
        ("export_csv", json!({"table": "products"}), 200),
        ("get_settings", json!({}), 200),
        ("store_info", json!({}), 200),
        ("save_settings", json!({"slip": {"store_name": "Corner Shop"}}), 200),
        ("slip_pdf", json!({"order": "1001", "size": "4x6"}), 200),
        ("slip_batch_pdf", json!({"orders": ["1001"]}), 200),
        // Pick 1 has no printer, and none is named.
        ("print_slip", json!({"order": "1001"}), 400),
        ("labels_pdf", json!({"kind": "bins", "stock": "letter-30", "aisle": "A01"}), 200),
        ("print_labels", json!({"kind": "bins", "stock": "roll-4x6", "from": "A01-1-01-L"}), 400),
        // The demo loads only into an empty database; this one is not.
        ("load_demo", json!({}), 409),
        ("setup_progress", json!({}), 200),
        // The warehouse already has its people.
        ("create_first_manager", json!({"name": "Ann", "pin": "4321", "station": "Office"}), 409),
        ("layout_templates", json!({}), 200),
        (
            "setup_layout",
            json!({"layout": serde_json::from_str::<Value>(support::LAYOUT).unwrap()}),
            200,
        ),
        ("finish_setup", json!({}), 200),
        ("list_boxes", json!({}), 200),
        (
            "save_box",
            json!({"code": "BOX-S", "name": "Small", "tare_g": 150,
                   "inner_mm": {"length": 300, "width": 200, "height": 150}}),
            200,
        ),
        ("suggest_box", json!({"order": "1001"}), 200),
        ("station_scale", json!({}), 200),
        // No scale is watched here: the Zero and Tare keys say so.
        ("zero_scale", json!({}), 409),
        ("tare_scale", json!({}), 409),
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
        ("list_scale_ports", json!({}), 200),
        // No such port here: the scale cannot be found.
        ("detect_scale", json!({"port": "/dev/backroom-no-such-port"}), 409),
        ("read_station_scale", json!({"station": "Pack 1"}), 200),
        ("list_printers", json!({}), 200),
        // Pick 1 has no printer, and none is named.
        ("print_test_page", json!({"station": "Pick 1"}), 400),
        // Only a paired station's own program runs its devices, by its key: a manager is refused.
        ("station_devices", json!({}), 403),
        ("report_scale_reading", json!({"station": "Pack 1", "status": {}}), 403),
        ("take_print_job", json!({}), 403),
        ("finish_print_job", json!({"id": 1}), 403),
        ("finish_scale_key", json!({"id": 1, "done": {"kind": "sent"}}), 403),
        ("sign_out", json!({}), 200),
    ]
}

#[test]
fn every_command_answers_over_http() {
    let (router, _w) = serve(support::warehouse());
    support::block_on(async {
        let declared: BTreeSet<&str> = backroom_api::commands::names().into_iter().collect();
        let covered: BTreeSet<&str> = cases().iter().map(|(name, _, _)| *name).collect();
        assert_eq!(covered, declared, "every declared command needs a case here");

        let (_, session) =
            post(&router, "sign_in", None, json!({"station": "Office", "credential": "9999"}))
                .await;
        assert_eq!(session["code"], "not_found", "there is no Office station: {session}");
        let (status, session) =
            post(&router, "sign_in", None, json!({"station": "Pick 1", "credential": "OP-MGR"}))
                .await;
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
    });
}

#[test]
fn health_and_command_list() {
    let (router, _w) = serve(support::warehouse());
    support::block_on(async {
        let (status, health) = send(&router, "GET", "/api/health", None, "").await;
        assert_eq!(status, 200);
        assert_eq!(health["ok"], true);
        assert_eq!(health["schema"], backroom_api::db::schema_version());
        assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(health["empty"], false);
        let (status, names) = send(&router, "GET", "/api/commands", None, "").await;
        assert_eq!(status, 200);
        let names: Vec<&str> =
            names.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(names, backroom_api::commands::names());
    });
}

#[test]
fn bad_requests_get_structured_errors() {
    let (router, w) = serve(support::warehouse());
    let token = w.sign_in("Pick 1", "OP-PICK");
    support::block_on(async {
        let (status, body) = post(&router, "no_such_command", Some(&token), json!({})).await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (404, Some("unknown_command")));

        let (status, body) =
            send(&router, "POST", "/api/search_products", Some(&token), "{\"text\": ").await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (400, Some("bad_request")));

        let (status, body) =
            post(&router, "lookup_product", Some(&token), json!({"code": 7})).await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (400, Some("bad_request")), "{body}");

        // A status the list does not have is refused by name, not read as "none of them".
        let (status, body) =
            post(&router, "list_pick_lists", Some(&token), json!({"status": "lost"})).await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (400, Some("bad_request")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("lost"), "{body}");

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

        let (status, body) =
            post(&router, "search_products", Some("forged-token"), json!({})).await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (403, Some("not_signed_in")));
    });
}

#[test]
fn a_scanned_barcode_finds_its_product_and_stock() {
    let (router, w) = serve(support::warehouse());
    support::receive(&w, "TEE-M", "A02-1-03-R", 12);
    support::receive(&w, "TEE-M", "QUARANTINE", 2);
    let token = w.sign_in("Pick 1", "1111");
    support::block_on(async {
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
    });
}

#[test]
fn the_ui_folder_is_served_with_an_spa_fallback() {
    let w = support::warehouse();
    let ui = w.dir.path().join("dist");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<title>Backroom UI</title>").unwrap();
    let router = router(Arc::new(App::open_at(&w.db.location).unwrap()), Some(ui));
    support::block_on(async {
        for path in ["/", "/orders/1001"] {
            let response = router
                .clone()
                .oneshot(request("GET", path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let body = response.into_body().collect().await.unwrap().to_bytes();
            assert!(String::from_utf8_lossy(&body).contains("Backroom UI"), "{path}");
        }
    });
}

#[test]
fn events_stream_to_every_screen_after_a_commit() {
    let w = support::warehouse();
    let app = Arc::new(App::open_at(&w.db.location).unwrap());
    let router = router(app.clone(), None);
    let token = w.sign_in("Pick 1", "OP-PICK");
    support::block_on(async {
        let response = router
            .clone()
            .oneshot(request("GET", "/api/events").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut body = response.into_body();
        let (status, reply) =
            post(&router, "receive", Some(&token), json!({"product": "MUG-1", "qty": 2})).await;
        assert_eq!(status, 200, "{reply}");
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
            .await
            .expect("an event arrives")
            .unwrap()
            .unwrap();
        let text = String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap();
        let data = text.trim().strip_prefix("data:").unwrap().trim();
        let event: Value = serde_json::from_str(data).unwrap();
        assert_eq!(event, json!({"type": "stock_changed", "skus": ["MUG-1"]}));
    });
}

/// A station reading the stream takes the host for gone after `EVENTS_SILENCE` of nothing; a
/// quiet host must therefore say it is there sooner than that.
#[test]
fn a_quiet_event_stream_says_it_is_still_there() {
    let w = support::warehouse();
    // The host stays up while the stream is read: the router holds it.
    let router = router(Arc::new(App::open_at(&w.db.location).unwrap()), None);
    let request = request("GET", "/api/events").body(Body::empty()).unwrap();
    support::block_on(async {
        let response = router.clone().oneshot(request).await.unwrap();
        let mut body = response.into_body();
        let wait = backroom::serve::EVENTS_KEEP_ALIVE * 2;
        let frame = tokio::time::timeout(wait, body.frame())
            .await
            .expect("a keep-alive before a station gives up")
            .unwrap()
            .unwrap();
        let text = String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap();
        assert!(text.starts_with(':'), "a comment line, not an event: {text:?}");
    });
}

#[test]
fn a_refused_command_announces_nothing() {
    let w = support::warehouse();
    let mut events = w.app.subscribe();
    let err = w.app.call(backroom_api::Caller::Local, "record_movement",
        json!({"kind": "transfer", "product": "MUG-1", "qty": 1, "from": "A01-1-01-L", "to": "RECEIVING"}));
    assert!(err.is_err());
    assert!(events.try_recv().is_err(), "no event for a rolled-back command");
}

#[test]
fn a_large_import_is_not_refused_for_its_size() {
    let (router, _w) = serve(support::warehouse());
    support::block_on(async {
        let (_, session) =
            post(&router, "sign_in", None, json!({"station": "Pick 1", "credential": "OP-MGR"}))
                .await;
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
    });
}

// ---------------------------------------------------------------------------------------------
// Whom the server answers. Any page a station's browser opens can make that browser send
// requests here; these are the requests such a page could send, and each must be refused
// before it reaches a command.

/// A request with exactly these headers (no Host unless given).
fn with_headers(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.body(Body::from(body.to_owned())).unwrap()
}

#[test]
fn only_its_own_host_names_are_answered() {
    let w = support::warehouse();
    let app = Arc::new(App::open_at(&w.db.location).unwrap());
    let loopback = router(app.clone(), None);
    // On every interface, reached at a LAN address of the machine, with two more names given.
    let everywhere = router_at(
        app.clone(),
        None,
        "0.0.0.0:7878",
        "192.168.1.20:7878",
        &["backroom-pc", "proxy.lan:8443"],
        &[],
    );
    // On IPv6 and IPv4 at once, where an IPv4 connection arrives at a mapped address.
    let dual_stack =
        router_at(app.clone(), None, "[::]:7878", "[::ffff:192.168.1.20]:7878", &[], &[]);
    // Behind the UI's development server, which passes its own host on.
    let dev = router_at(app, None, HOST, HOST, &["localhost:5173"], &[]);
    support::block_on(async {
        let cases: &[(&Router, Option<&str>, u16)] = &[
            (&loopback, Some("127.0.0.1:7878"), 200),
            (&loopback, Some("localhost:7878"), 200),
            (&loopback, Some("LocalHost:7878"), 200),
            (&loopback, Some("localhost"), 200),
            (&loopback, Some("[::1]:7878"), 200),
            // A name whose DNS an attacker points at 127.0.0.1 (rebinding), and lookalikes.
            (&loopback, Some("evil.example"), 421),
            (&loopback, Some("evil.example:7878"), 421),
            (&loopback, Some("localhost.evil.example:7878"), 421),
            (&loopback, Some("127.0.0.1.nip.io:7878"), 421),
            (&loopback, Some("localhost@evil.example"), 421),
            // Another port of this machine is another server.
            (&loopback, Some("localhost:8080"), 421),
            (&loopback, Some("192.168.1.20:7878"), 421),
            (&loopback, None, 421),
            (&everywhere, Some("192.168.1.20:7878"), 200),
            (&everywhere, Some("0.0.0.0:7878"), 200),
            (&everywhere, Some("backroom-pc:7878"), 200),
            (&everywhere, Some("BACKROOM-PC"), 200),
            (&everywhere, Some("proxy.lan:8443"), 200),
            (&everywhere, Some("proxy.lan:7878"), 421),
            (&everywhere, Some("192.168.1.21:7878"), 421),
            (&everywhere, Some("evil.example:7878"), 421),
            (&dual_stack, Some("192.168.1.20:7878"), 200),
            (&dual_stack, Some("[::1]:7878"), 200),
            (&dual_stack, Some("evil.example:7878"), 421),
            (&dev, Some("localhost:5173"), 200),
            (&dev, Some("localhost:7878"), 200),
            (&dev, Some("localhost:5174"), 421),
        ];
        for (router, host, expected) in cases {
            // The UI's pages, the API and the event stream alike.
            for path in ["/", "/orders/1001", "/api/health", "/api/commands", "/api/events"] {
                let headers: Vec<(&str, &str)> = host.iter().map(|host| ("host", *host)).collect();
                let (status, _, body) =
                    answer(router, with_headers("GET", path, &headers, "")).await;
                assert_eq!(status.as_u16(), *expected, "GET {path} with Host {host:?}: {body}");
                if *expected == 421 {
                    assert_eq!(body["code"], "foreign_host", "GET {path} with Host {host:?}");
                    assert!(body["message"].is_string(), "{body}");
                }
            }
        }
        // A command sent to a foreign name does not run.
        let sign_in = r#"{"station": "Pick 1", "credential": "9999"}"#;
        let headers = [("host", "evil.example:7878"), ("content-type", "application/json")];
        let (status, _, body) =
            answer(&loopback, with_headers("POST", "/api/sign_in", &headers, sign_in)).await;
        assert_eq!((status.as_u16(), body["code"].as_str()), (421, Some("foreign_host")), "{body}");
        assert!(body.get("token").is_none(), "{body}");
        // The development server's page calls the API at its own origin.
        let headers = [
            ("host", "localhost:5173"),
            ("origin", "http://localhost:5173"),
            ("content-type", "application/json"),
        ];
        let (status, _, body) =
            answer(&dev, with_headers("POST", "/api/health", &headers, "{}")).await;
        assert_eq!(status, 200, "{body}");
    });
}

#[test]
fn a_command_takes_json_and_nothing_a_form_can_send() {
    let (router, w) = serve(support::warehouse());
    let token = w.sign_in("Pick 1", "OP-MGR");
    let bearer = format!("Bearer {token}");
    support::block_on(async {
        let product = r#"{"sku": "SENT-1", "name": "Sent by a form"}"#;
        let refused = [
            Some("text/plain"),
            Some("text/plain;charset=UTF-8"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("text/json"),
            Some("application/jsonp"),
            // A body needs a content type; only an empty one goes without.
            None,
        ];
        for content_type in refused {
            let mut headers = vec![("host", HOST), ("authorization", bearer.as_str())];
            headers.extend(content_type.map(|t| ("content-type", t)));
            let (status, _, body) =
                answer(&router, with_headers("POST", "/api/save_product", &headers, product)).await;
            assert_eq!(
                (status.as_u16(), body["code"].as_str()),
                (415, Some("unsupported_media_type")),
                "{content_type:?}: {body}"
            );
        }
        let (status, body) =
            post(&router, "lookup_product", Some(&token), json!({"code": "SENT-1"})).await;
        assert_eq!(status, 404, "a refused request saved the product: {body}");
        let headers = [("host", HOST), ("content-type", "text/plain")];
        let (status, _, body) =
            answer(&router, with_headers("POST", "/api/health", &headers, "{}")).await;
        assert_eq!(status, 415, "{body}");

        // JSON is JSON with parameters and in any case.
        for (n, content_type) in
            ["application/json; charset=utf-8", "Application/JSON"].iter().enumerate()
        {
            let headers = [
                ("host", HOST),
                ("authorization", bearer.as_str()),
                ("content-type", *content_type),
            ];
            let product = json!({"sku": format!("JSON-{n}"), "name": "Sent as JSON"}).to_string();
            let (status, _, body) =
                answer(&router, with_headers("POST", "/api/save_product", &headers, &product))
                    .await;
            assert_eq!(status, 200, "{content_type}: {body}");
        }
        // A command without arguments may come with no body and no content type: nothing is in it.
        for name in ["health", "whoami", "list_stations"] {
            let headers = [("host", HOST), ("authorization", bearer.as_str())];
            let (status, _, body) =
                answer(&router, with_headers("POST", &format!("/api/{name}"), &headers, "")).await;
            assert_eq!(status, 200, "{name}: {body}");
        }
    });
}

/// A request's method, path and headers besides Host, and the status it is answered with.
type OriginCase<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], u16);

#[test]
fn pages_of_other_origins_are_refused() {
    let w = support::warehouse();
    let app = Arc::new(App::open_at(&w.db.location).unwrap());
    let router = router_at(app, None, HOST, HOST, &[], &["https://backroom.example.com/"]);
    let bearer = format!("Bearer {}", w.sign_in("Pick 1", "OP-MGR"));
    support::block_on(async {
        let own = ("origin", "http://127.0.0.1:7878");
        let proxy = ("origin", "https://backroom.example.com");
        let evil = ("origin", "http://evil.example");
        let same_origin = ("sec-fetch-site", "same-origin");
        let cross_site = ("sec-fetch-site", "cross-site");
        let (navigate, document) = (("sec-fetch-mode", "navigate"), ("sec-fetch-dest", "document"));
        let cases: &[OriginCase] = &[
            // The UI's own calls and event stream.
            ("POST", "/api/whoami", &[own, same_origin], 200),
            ("GET", "/api/events", &[same_origin], 200),
            ("GET", "/api/events", &[own], 200),
            // A proxy's public address, given with --allow-origin, whatever site it is.
            ("POST", "/api/whoami", &[proxy, cross_site], 200),
            ("GET", "/api/events", &[("origin", "https://Backroom.Example.com")], 200),
            // Another site's page: a fetch or a form, and the event stream.
            ("POST", "/api/whoami", &[evil], 403),
            ("POST", "/api/whoami", &[evil, cross_site], 403),
            ("GET", "/api/events", &[evil], 403),
            ("GET", "/api/health", &[evil], 403),
            ("GET", "/", &[evil], 403),
            // Another port or name of this machine, a sandboxed frame or a file, a lookalike.
            ("POST", "/api/whoami", &[("origin", "http://127.0.0.1:3000")], 403),
            ("POST", "/api/whoami", &[("origin", "http://localhost:7878")], 403),
            ("POST", "/api/whoami", &[("origin", "null")], 403),
            (
                "POST",
                "/api/whoami",
                &[("origin", "https://backroom.example.com.evil.example")],
                403,
            ),
            // Requests another site started without saying from where: a script, an image, a frame.
            ("GET", "/api/events", &[cross_site], 403),
            ("GET", "/api/commands", &[cross_site, ("sec-fetch-dest", "script")], 403),
            ("GET", "/", &[cross_site, navigate, ("sec-fetch-dest", "iframe")], 403),
            ("GET", "/api/health", &[cross_site, navigate, document], 403),
            // A link from another site opens the UI, which that site can neither read nor drive;
            // so does a typed address or a bookmark.
            ("GET", "/", &[cross_site, navigate, document], 200),
            ("GET", "/orders/1001", &[("sec-fetch-site", "none"), navigate, document], 200),
        ];
        for (method, path, headers, expected) in cases {
            let mut all = vec![("host", HOST), ("authorization", bearer.as_str())];
            if *method == "POST" {
                all.push(("content-type", "application/json"));
            }
            all.extend_from_slice(headers);
            let body = if *method == "POST" { "{}" } else { "" };
            let (status, reply_headers, reply) =
                answer(&router, with_headers(method, path, &all, body)).await;
            assert_eq!(status.as_u16(), *expected, "{method} {path} {headers:?}: {reply}");
            if *expected == 403 {
                assert_eq!(reply["code"], "cross_origin", "{method} {path} {headers:?}");
            }
            let cors: Vec<_> = reply_headers
                .keys()
                .filter(|k| k.as_str().starts_with("access-control-"))
                .collect();
            assert!(cors.is_empty(), "{method} {path} {headers:?} answered CORS headers {cors:?}");
        }
    });
}

#[test]
fn every_method_on_the_api_answers_json() {
    let (router, _w) = serve(support::warehouse());
    support::block_on(async {
        let cases: &[(&str, &str, u16, &str, &[&str])] = &[
            ("GET", "/api/nope", 405, "method_not_allowed", &["POST"]),
            ("GET", "/api/sign_in", 405, "method_not_allowed", &["POST"]),
            ("PUT", "/api/sign_in", 405, "method_not_allowed", &["POST"]),
            ("OPTIONS", "/api/sign_in", 405, "method_not_allowed", &["POST"]),
            ("POST", "/api/commands", 405, "method_not_allowed", &["GET", "HEAD"]),
            ("POST", "/api/events", 405, "method_not_allowed", &["GET", "HEAD"]),
            ("DELETE", "/api/health", 405, "method_not_allowed", &["GET", "HEAD", "POST"]),
            ("GET", "/api/nowhere/deeper", 404, "unknown_command", &[]),
            ("DELETE", "/api/nowhere/deeper", 404, "unknown_command", &[]),
        ];
        for (method, path, expected, code, allow) in cases {
            let (status, headers, body) =
                answer(&router, request(method, path).body(Body::empty()).unwrap()).await;
            assert_eq!(
                (status.as_u16(), body["code"].as_str()),
                (*expected, Some(*code)),
                "{method} {path}"
            );
            assert!(body["message"].is_string(), "{method} {path}: {body}");
            let allowed: BTreeSet<&str> = headers
                .get("allow")
                .map(|allow| allow.to_str().unwrap().split(',').map(str::trim).collect())
                .unwrap_or_default();
            assert_eq!(allowed, allow.iter().copied().collect(), "{method} {path}: Allow");
        }
    });
}

/// `backroom serve` as a child process with more arguments and environment, on a free
/// loopback port. Dropping it kills it.
struct Served {
    child: Child,
    /// Kept open: the server's first line is all it prints there.
    _stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl Served {
    fn start(db: &str, args: &[&str], env: &[(&str, &str)]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_backroom"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("backroom serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("Backroom is serving http://")
            .map(|rest| rest.trim_end_matches('/').to_owned());
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("backroom serve {args:?} did not say where it listens: {line:?}");
        };
        Served { child, _stdout: stdout, addr }
    }

    /// Sends one request on a connection of its own and returns the status, the head and the
    /// JSON body.
    fn exchange(&self, request: &str) -> (u16, String, Value) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, head.to_owned(), serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_running_server_answers_only_its_hosts_origins_and_json() {
    let w = support::warehouse();
    let db = w.db_arg();
    let Warehouse { app, db: _db, dir: _dir } = w;
    drop(app);
    let server = Served::start(
        &db,
        &["--allow-origin", "https://backroom.example.com"],
        &[("BACKROOM_ALLOW_HOSTS", "backroom-pc,backroom.lan")],
    );
    let own = server.addr.as_str();
    let port = own.rsplit(':').next().unwrap();
    let get = |host: &str, path: &str, more: &str| {
        server.exchange(&format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\n{more}Connection: close\r\n\r\n"
        ))
    };
    let post = |host: &str, name: &str, more: &str, body: &str| {
        server.exchange(&format!(
            "POST /api/{name} HTTP/1.1\r\nHost: {host}\r\n{more}Content-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ))
    };
    let sign_in = r#"{"station": "Pick 1", "credential": "9999"}"#;
    let json = "Content-Type: application/json\r\n";

    let (status, _, body) = get(own, "/api/health", "");
    assert_eq!((status, &body["ok"]), (200, &json!(true)), "{body}");
    for host in [format!("backroom-pc:{port}"), format!("backroom.lan:{port}")] {
        let (status, _, body) = get(&host, "/api/health", "");
        assert_eq!(status, 200, "{host}, given in BACKROOM_ALLOW_HOSTS: {body}");
    }
    for path in ["/", "/api/health", "/api/events"] {
        let (status, _, body) = get(&format!("evil.example:{port}"), path, "");
        assert_eq!((status, body["code"].as_str()), (421, Some("foreign_host")), "{path}");
    }
    let (status, _, body) = get(own, "/api/events", "Origin: http://evil.example\r\n");
    assert_eq!((status, body["code"].as_str()), (403, Some("cross_origin")), "{body}");
    let evil = "Origin: http://evil.example\r\nContent-Type: application/json\r\n";
    let (status, _, body) = post(own, "sign_in", evil, sign_in);
    assert_eq!((status, body["code"].as_str()), (403, Some("cross_origin")), "{body}");
    let (status, _, body) = post(own, "sign_in", "Content-Type: text/plain\r\n", sign_in);
    assert_eq!((status, body["code"].as_str()), (415, Some("unsupported_media_type")), "{body}");
    let proxy = "Origin: https://backroom.example.com\r\nContent-Type: application/json\r\n";
    let (status, _, body) = post(own, "sign_in", proxy, sign_in);
    assert_eq!(status, 200, "an --allow-origin origin: {body}");
    assert!(body["token"].is_string(), "{body}");
    let (status, _, body) = post(own, "sign_in", json, sign_in);
    assert_eq!(status, 200, "{body}");

    let (status, head, body) = get(own, "/api/nope", "");
    assert_eq!((status, body["code"].as_str()), (405, Some("method_not_allowed")), "{head}");
    assert!(head.to_ascii_lowercase().contains("\r\nallow: post"), "{head}");
}

#[test]
fn a_sign_in_during_a_lockout_is_refused_even_with_the_right_pin() {
    let (router, _w) = serve(support::warehouse());
    support::block_on(async {
        for pin in ["0000", "0001", "0002", "0003", "0004"] {
            let (status, body) =
                post(&router, "sign_in", None, json!({"station": "Pick 1", "credential": pin}))
                    .await;
            assert_eq!((status.as_u16(), &body["code"]), (403, &json!("not_signed_in")), "{body}");
        }
        let (status, body) =
            post(&router, "sign_in", None, json!({"station": "Pick 1", "credential": "9999"}))
                .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_eq!(body["code"], "locked_out");
        // The client's address is locked out at every station.
        let (status, _) =
            post(&router, "sign_in", None, json!({"station": "Pack 1", "credential": "2222"}))
                .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    });
}
