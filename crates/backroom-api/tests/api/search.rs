//! Product search: any part of an SKU or name, in any case, through the trigram index; text too
//! short for a trigram, and exact barcodes, by the other ways. Checked against a plain scan of
//! the same products, on made-up names and on a real shop's catalogue.

use std::collections::BTreeSet;

use backroom_api::{Caller, ErrorCode};
use serde_json::{Value, json};

use crate::common::Warehouse;

fn save(w: &Warehouse, sku: &str, name: &str, barcodes: &[&str]) {
    w.local("save_product", json!({"sku": sku, "name": name, "barcodes": barcodes}));
}

/// The SKUs a search finds (all pages), and the total it reports.
fn found(w: &Warehouse, text: &str) -> (Vec<String>, u64) {
    let page =
        w.local("search_products", json!({"text": text, "limit": 1000, "include_inactive": true}));
    let skus =
        page["rows"].as_array().unwrap().iter().map(|r| r["sku"].as_str().unwrap().to_owned());
    (skus.collect(), page["total"].as_u64().unwrap())
}

fn set(skus: &[&str]) -> BTreeSet<String> {
    skus.iter().map(|s| s.to_string()).collect()
}

fn found_set(w: &Warehouse, text: &str) -> BTreeSet<String> {
    let (skus, total) = found(w, text);
    assert_eq!(skus.len() as u64, total, "{text:?}: the page and the total disagree");
    skus.into_iter().collect()
}

fn made_up() -> Warehouse {
    let w = Warehouse::open();
    save(&w, "MUG-BLUE-L", "Blue Mug – Grande", &["4006381333931"]);
    save(&w, "MUG-RED-S", "Red mug, small", &[]);
    save(&w, "CAFE-01", "Café Crème Étoile", &[]);
    save(&w, "TEE-50", "T-shirt 50% cotton", &[]);
    save(&w, "TEE-500", "T-shirt 500 thread", &[]);
    save(&w, "QUOTE\"ONE", "The \"quoted\" one", &[]);
    save(&w, "UNDER_SCORE", "Under score", &[]);
    save(&w, "UNDERXSCORE", "Underx score", &[]);
    w
}

#[test]
fn any_part_of_a_name_or_sku_in_any_case() {
    let w = made_up();
    assert_eq!(found_set(&w, "mug"), set(&["MUG-BLUE-L", "MUG-RED-S"]));
    assert_eq!(found_set(&w, "UG – GR"), set(&["MUG-BLUE-L"]));
    assert_eq!(found_set(&w, "blue-l"), set(&["MUG-BLUE-L"]));
    // From three characters on, letters outside ASCII fold too, which LIKE never did.
    assert_eq!(found_set(&w, "CRÈME éTOILE"), set(&["CAFE-01"]));
    assert_eq!(found_set(&w, "fé c"), set(&["CAFE-01"]));
    assert_eq!(found_set(&w, "nothing like this"), set(&[]));
}

#[test]
fn what_a_search_language_would_read_is_only_text() {
    let w = made_up();
    assert_eq!(found_set(&w, "50%"), set(&["TEE-50"]));
    assert_eq!(found_set(&w, "\"quoted\""), set(&["QUOTE\"ONE"]));
    assert_eq!(found_set(&w, "E\"O"), set(&["QUOTE\"ONE"]));
    assert_eq!(found_set(&w, "r_s"), set(&["UNDER_SCORE"]));
    assert_eq!(found_set(&w, "mug OR tee"), set(&[]));
    assert_eq!(found_set(&w, "mug*"), set(&[]));
    assert_eq!(found_set(&w, "NEAR(mug tee)"), set(&[]));
}

#[test]
fn short_text_and_barcodes_are_found_too() {
    let w = made_up();
    assert_eq!(found_set(&w, "_s"), set(&["UNDER_SCORE"]));
    assert_eq!(found_set(&w, "0%"), set(&["TEE-50"]));
    assert_eq!(found_set(&w, "é"), set(&["CAFE-01"]));
    // A scanned barcode finds its product first, though no name holds those digits.
    let (skus, _) = found(&w, "4006381333931");
    assert_eq!(skus, ["MUG-BLUE-L"]);
    // The exact SKU comes before the others that contain it.
    assert_eq!(found(&w, "TEE-50").0, ["TEE-50", "TEE-500"]);
}

#[test]
fn a_renamed_product_is_found_by_its_new_name_only() {
    let w = made_up();
    save(&w, "MUG-RED-S", "Crimson beaker", &[]);
    assert_eq!(found_set(&w, "beaker"), set(&["MUG-RED-S"]));
    assert_eq!(found_set(&w, "mug, small"), set(&[]));
    assert_eq!(found_set(&w, "red mug"), set(&[]));
    // The SKU is still there to find.
    assert_eq!(found_set(&w, "red-s"), set(&["MUG-RED-S"]));
}

#[test]
fn inactive_products_only_when_asked() {
    let w = made_up();
    w.local("save_product", json!({"sku": "MUG-RED-S", "name": "Red mug, small", "active": false}));
    let page = w.local("search_products", json!({"text": "mug"}));
    let skus: Vec<&str> =
        page["rows"].as_array().unwrap().iter().map(|r| r["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, ["MUG-BLUE-L"]);
    assert_eq!(page["total"], 1);
    assert_eq!(found_set(&w, "mug").len(), 2);
}

/// A real catalogue searched by pieces of its own SKUs and names: what the index finds is what
/// reading every product finds.
#[test]
fn a_real_catalogue_finds_what_a_scan_finds() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realdata");
    let file =
        dir.join("shopify-products/products_ca-fr_2023_50col_dupSKU_apostrophe-barcodes.csv");
    let Ok(csv) = std::fs::read_to_string(&file) else {
        eprintln!("skipped: {} is absent", file.display());
        return;
    };
    let w = Warehouse::open();
    let report = w.local("import_csv", json!({"table": "products", "csv": csv}));
    assert_eq!(report["ok"], true);
    let all =
        w.local("search_products", json!({"include_inactive": true, "limit": 1000, "offset": 0}));
    let total = all["total"].as_u64().unwrap();
    let mut products: Vec<(String, String)> = Vec::new();
    for offset in (0..total).step_by(1000) {
        let page = w.local(
            "search_products",
            json!({"include_inactive": true, "limit": 1000, "offset": offset}),
        );
        for row in page["rows"].as_array().unwrap() {
            products.push((text(&row["sku"]), text(&row["name"])));
        }
    }
    assert_eq!(products.len() as u64, total);
    let mut pieces = Vec::new();
    for (sku, name) in products.iter().step_by(97) {
        pieces.push(middle(sku, 5));
        pieces.push(middle(name, 4).to_uppercase());
        pieces.push(middle(name, 9));
    }
    for piece in pieces.into_iter().filter(|p| p.trim().chars().count() >= 3) {
        let piece = piece.trim().to_owned();
        let needle = piece.to_lowercase();
        let expected: BTreeSet<String> = products
            .iter()
            .filter(|(sku, name)| {
                sku.to_lowercase().contains(&needle) || name.to_lowercase().contains(&needle)
            })
            .map(|(sku, _)| sku.clone())
            .collect();
        let page = w.local(
            "search_products",
            json!({"text": piece, "limit": 1000, "include_inactive": true}),
        );
        assert_eq!(page["total"].as_u64().unwrap() as usize, expected.len(), "{piece:?}");
        if expected.len() <= 1000 {
            let got: BTreeSet<String> =
                page["rows"].as_array().unwrap().iter().map(|r| text(&r["sku"])).collect();
            assert_eq!(got, expected, "{piece:?}");
        }
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

/// `n` characters from the middle of `s`.
fn middle(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let start = chars.len().saturating_sub(n) / 2;
    chars[start..chars.len().min(start + n)].iter().collect()
}

#[test]
fn every_page_says_how_many_there_are() {
    let w = made_up();
    let page = |offset: u32| {
        w.local("search_products", json!({"text": "t-shirt", "limit": 1, "offset": offset}))
    };
    let first = page(0);
    assert_eq!((first["rows"].as_array().unwrap().len(), first["total"].as_u64()), (1, Some(2)));
    let second = page(1);
    assert_eq!((second["rows"].as_array().unwrap().len(), second["total"].as_u64()), (1, Some(2)));
    assert_ne!(first["rows"][0]["sku"], second["rows"][0]["sku"]);
    let past = page(5);
    assert_eq!((past["rows"].as_array().unwrap().len(), past["total"].as_u64()), (0, Some(2)));
    let none = w.local("search_products", json!({"text": "no such thing"}));
    assert_eq!(none["total"], 0);
    let counted = w.local("search_products", json!({"text": "t-shirt", "limit": 0}));
    assert_eq!(
        (counted["rows"].as_array().unwrap().len(), counted["total"].as_u64()),
        (0, Some(2))
    );
}

/// What a client that is not a screen may send: control characters inside the text. A NUL is
/// refused, saying so; any other is only text.
#[test]
fn a_control_character_is_only_text() {
    let w = made_up();
    for text in ["mug\u{0}", "m\u{0}ug"] {
        let refused = w.app.call(Caller::Local, "search_products", json!({"text": text}));
        let e = refused.unwrap_err();
        assert_eq!(e.code, ErrorCode::Invalid, "{text:?}");
        assert!(e.message.contains("NUL"), "{}", e.message);
    }
    for text in ["mu\u{7}g", "Blue\tMug", "\u{1b}[2J"] {
        let page = w.local("search_products", json!({"text": text}));
        assert_eq!(page["total"], 0, "{text:?}");
    }
}
