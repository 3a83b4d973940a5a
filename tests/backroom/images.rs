//! Product pictures: a Shopify products export names them by address, the fetcher downloads
//! them from a real (local) web server outside the import, keeps them beside the database, and
//! `GET /images/<hash>` serves them; an address that fails is that product's error and nothing
//! else.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use backroom::serve::{Allowed, Connection};
use backroom_api::inventory::images;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support;

/// A real picture: the slip's default logo.
const PNG: &[u8] = include_bytes!("../../assets/logo.png");

/// A web server on a free port of this machine answering `/mug.png` with the PNG,
/// `/page.png` with an HTML page (what a shop answers for a picture it no longer has) and
/// anything else with 404. Returns its address.
fn picture_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // The headers, up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let (status, content_type, body): (&str, &str, &[u8]) = match path {
                "/mug.png" => ("200 OK", "image/png", PNG),
                "/page.png" => ("200 OK", "text/html; charset=utf-8", b"<!doctype html><p>Moved"),
                _ => ("404 Not Found", "text/plain", b"not found"),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
        }
    });
    address
}

/// A Shopify products export of three products, each picture at another address of `server`;
/// the mug has a second variant without a picture of its own, which takes the product's.
fn shopify_export(server: &str) -> String {
    format!(
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Grams,Variant Price,Image Src,Variant Image,Status\n\
         mug,Blue Mug,Size,Small,MUG-S,340,12.99,{server}/mug.png,,active\n\
         mug,,,Large,MUG-L,420,14.99,,,\n\
         lamp,Desk Lamp,Title,Default Title,LAMP-1,900,39.00,{server}/gone.png,,active\n\
         vase,Vase,Title,Default Title,VASE-1,700,25.00,,{server}/page.png,active\n\
         plate,Plate,Title,Default Title,PLATE-1,500,9.00,,,active\n"
    )
}

async fn get(router: &axum::Router, uri: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    let request =
        Request::builder().uri(uri).header("host", "127.0.0.1:7878").body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type =
        response.headers().get("content-type").map(|t| t.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, content_type, bytes)
}

#[test]
fn an_import_names_pictures_the_fetcher_keeps_and_the_server_serves() {
    let w = support::warehouse();
    let server = picture_server();
    let report =
        w.local("import_csv", json!({"table": "products", "csv": shopify_export(&server)}));
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["created"], 5, "{report}");
    // The import wrote only addresses: nothing is fetched yet.
    let mug = w.local("product_image", json!({"code": "MUG-S"}));
    assert_eq!(mug["hash"], Value::Null);
    assert_eq!(mug["source"], format!("{server}/mug.png"));

    let summary = images::fetch_waiting(&w.app, false, &AtomicBool::new(false)).unwrap();
    assert_eq!(summary.fetched, 2, "both mugs have the picture: {summary:?}");
    let failed: Vec<&str> = summary.failed.iter().map(|(sku, _)| sku.as_str()).collect();
    assert_eq!(failed, ["LAMP-1", "VASE-1"]);

    // Each failure is its product's error, in words.
    let lamp = w.local("product_image", json!({"code": "LAMP-1"}));
    assert_eq!(lamp["hash"], Value::Null);
    assert!(lamp["error"].as_str().unwrap().contains("404"), "{lamp}");
    let vase = w.local("product_image", json!({"code": "VASE-1"}));
    assert!(vase["error"].as_str().unwrap().contains("text/html"), "{vase}");
    let plate = w.local("product_image", json!({"code": "PLATE-1"}));
    assert_eq!(
        plate,
        json!({"sku": "PLATE-1", "hash": null, "data_url": null, "source": null, "error": null})
    );
    // Nothing else broke: the products are there with their prices.
    assert_eq!(
        w.local("lookup_product", json!({"code": "LAMP-1"}))["product"]["price_cents"],
        3900
    );

    // The picture is a file beside the database, named by its content.
    let mug = w.local("product_image", json!({"code": "MUG-S", "inline": true}));
    let hash = mug["hash"].as_str().unwrap().to_owned();
    assert_eq!(w.local("product_image", json!({"code": "MUG-L"}))["hash"], hash.as_str());
    let cache = images::cache_dir(w.app.path());
    let cached = cache.join(&hash);
    assert_eq!(std::fs::read(&cached).unwrap(), PNG);
    assert!(mug["data_url"].as_str().unwrap().starts_with("data:image/png;base64,iVBOR"));

    // A second run has nothing left to fetch; failures wait for a retry.
    let again = images::fetch_waiting(&w.app, false, &AtomicBool::new(false)).unwrap();
    assert_eq!(again, images::FetchSummary::default());
    let waiting = w.local("images_to_fetch", json!({"retry_failed": true}));
    assert_eq!(waiting.as_array().unwrap().len(), 2, "{waiting}");

    let db_name = w.app.path().file_name().unwrap().to_str().unwrap().to_owned();
    let allowed = Allowed::new("127.0.0.1:7878".parse().unwrap(), &[], &[]).unwrap();
    let connection = Connection {
        client: "127.0.0.1:50000".parse().unwrap(),
        local: "127.0.0.1:7878".parse().unwrap(),
    };
    let router = backroom::serve::router(Arc::new(w.app), None, allowed)
        .layer(axum::extract::connect_info::MockConnectInfo(connection));
    support::block_on(async {
        let (status, content_type, body) = get(&router, &format!("/images/{hash}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type.as_deref(), Some("image/png"));
        assert_eq!(body, PNG);

        // No name but a picture's: a way out of the folder, an unknown picture, the database.
        std::fs::write(cache.join("notes"), "private").unwrap();
        for uri in [
            &format!("/images/..%2f{db_name}"),
            &format!("/images/..%2F..%2F{db_name}"),
            &format!("/images/%2e%2e%2f{db_name}"),
            "/images/notes",
            &format!("/images/{}", "0".repeat(64)),
            &format!("/images/{}", hash.to_uppercase()),
        ] {
            let (status, content_type, body) = get(&router, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
            assert_eq!(content_type.as_deref(), Some("application/json"), "{uri}");
            let error: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(error["code"], "not_found", "{uri}");
        }
    });
    // On PostgreSQL the pictures are kept in this machine's data folder, not the test's.
    std::fs::remove_dir_all(&cache).unwrap();
}

#[test]
fn a_manager_uploads_a_picture_and_nothing_else() {
    use base64::Engine;
    let w = support::warehouse();
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let set = |image: String| {
        w.app.call(
            backroom_api::Caller::Local,
            "set_product_image",
            json!({"sku": "MUG-1", "image": image}),
        )
    };
    for not_a_picture in [
        encode(b"<!doctype html><title>mug</title>"),
        encode(b"%PDF-1.7"),
        encode(b"\x89PNX"),
        "not base64 at all!".to_owned(),
    ] {
        let refused = set(not_a_picture).unwrap_err();
        assert_eq!(refused.code, backroom_api::ErrorCode::Invalid, "{refused}");
    }
    let mut too_large = PNG.to_vec();
    too_large.resize(images::MAX_BYTES + 1, 0);
    assert_eq!(set(encode(&too_large)).unwrap_err().code, backroom_api::ErrorCode::Invalid);
    assert_eq!(w.local("product_image", json!({"code": "MUG-1"}))["hash"], Value::Null);

    let kept = set(format!("data:image/png;base64,{}", encode(PNG))).unwrap();
    let hash = kept["hash"].as_str().unwrap();
    assert!(images::is_hash(hash));
    // The product's barcode finds the picture too.
    assert_eq!(w.local("product_image", json!({"code": "036000291452"}))["hash"], hash);

    // A picker may look at it, not change it.
    let token = w.sign_in("Pick 1", "OP-PICK");
    let picker = backroom_api::Caller::Session(Some(&token));
    let read = w.app.call(picker, "product_image", json!({"code": "MUG-1"})).unwrap();
    assert_eq!(read["hash"], hash);
    let refused = w.app.call(picker, "set_product_image", json!({"sku": "MUG-1"})).unwrap_err();
    assert_eq!(refused.code, backroom_api::ErrorCode::Forbidden);

    // Neither picture nor source takes it away.
    w.local("set_product_image", json!({"sku": "MUG-1"}));
    assert_eq!(w.local("product_image", json!({"code": "MUG-1"}))["hash"], Value::Null);
    // On PostgreSQL the pictures are kept in this machine's data folder, not the test's.
    std::fs::remove_dir_all(images::cache_dir(w.app.path())).unwrap();
}
