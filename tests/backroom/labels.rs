//! Printed labels read by a real decoder: each PDF is rasterised at 300 dpi with `pdftoppm` and
//! read with `zbarimg`, and what it reads goes back into the commands the floor uses: a bin's
//! code is a bin the Pick screen's check accepts, a product label finds its product, a badge
//! signs its operator in.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use backroom_api::Caller;
use backroom_api::error::ErrorCode;
use base64::Engine;
use serde_json::{Value, json};

use crate::support::{Warehouse, warehouse};

/// Whether the decoder and the rasteriser are installed (`scripts/setup` installs both).
fn decoder_present() -> bool {
    let ok = |tool: &str, arg: &str| Command::new(tool).arg(arg).output().is_ok();
    if ok("zbarimg", "--version") && ok("pdftoppm", "-v") {
        return true;
    }
    eprintln!("skipped: zbarimg (zbar-tools) or pdftoppm (poppler-utils) is not installed");
    false
}

/// The text of every barcode on each page of the PDF, page by page.
fn decode(pdf_base64: &str, dir: &Path) -> Vec<Vec<String>> {
    let pdf = base64::engine::general_purpose::STANDARD.decode(pdf_base64).unwrap();
    let file = dir.join("labels.pdf");
    std::fs::write(&file, pdf).unwrap();
    let prefix = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-png"])
        .arg(&file)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    let read = pages
        .iter()
        .map(|page| {
            let out = Command::new("zbarimg").args(["--raw", "-q"]).arg(page).output().unwrap();
            String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
        })
        .collect();
    for page in pages {
        std::fs::remove_file(page).unwrap();
    }
    read
}

fn call(w: &Warehouse, token: &str, name: &str, req: Value) -> Result<Value, ErrorCode> {
    w.app.call(Caller::Session(Some(token)), name, req).map_err(|e| e.code)
}

#[test]
fn bin_labels_scan_as_the_bins_they_name() {
    if !decoder_present() {
        return;
    }
    let w = warehouse();
    let dir = tempfile::tempdir().unwrap();
    let picker = w.sign_in("Pick 1", "OP-PICK");
    let file = call(
        &w,
        &picker,
        "labels_pdf",
        json!({"kind": "bins", "stock": "letter-30", "aisle": "A02"}),
    )
    .unwrap();
    assert_eq!(file["labels"], 20);
    assert_eq!(file["pages"], 1);
    assert_eq!(file["filename"], "bin-labels-aisle-A02.pdf");
    let read = decode(file["pdf_base64"].as_str().unwrap(), dir.path());
    let scanned: BTreeSet<String> = read.concat().into_iter().collect();
    let bins: BTreeSet<String> = w
        .local("list_locations", json!({"kind": "bin", "prefix": "A02"}))
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bins.len(), 20);
    assert_eq!(scanned, bins, "every bin of the aisle scans as itself");
    // The Pick screen takes a scan as the bin when it equals the stop's bin code and reads
    // anything shaped like `A03-1-12-L` as a bin label.
    for code in &scanned {
        let parts: Vec<&str> = code.split('-').collect();
        assert!(code.starts_with('A') && parts.len() == 4 && ["L", "R"].contains(&parts[3]));
    }

    // A range in code order, on the small thermal roll: one label per page.
    let file = call(
        &w,
        &picker,
        "labels_pdf",
        json!({"kind": "bins", "stock": "roll-2.25x1.25", "from": "A01-2-04-R", "to": "A02-1-01-R"}),
    )
    .unwrap();
    let read = decode(file["pdf_base64"].as_str().unwrap(), dir.path());
    assert_eq!(
        read,
        [["A01-2-04-R"], ["A01-2-05-L"], ["A01-2-05-R"], ["A02-1-01-L"], ["A02-1-01-R"]],
        "one bin per label, in code order"
    );
}

#[test]
fn product_labels_find_their_product() {
    if !decoder_present() {
        return;
    }
    let w = warehouse();
    let dir = tempfile::tempdir().unwrap();
    let packer = w.sign_in("Pack 1", "OP-PACK");
    let req = json!({"kind": "products", "stock": "roll-4x6",
        "products": [{"product": "MUG-1", "count": 2}, {"product": "BOOK-9", "count": 1},
                     {"product": "4006381333931", "count": 1}]});
    let file = call(&w, &packer, "labels_pdf", req).unwrap();
    assert_eq!(file["pages"], 4);
    let read = decode(file["pdf_base64"].as_str().unwrap(), dir.path());
    // The mug's barcode, twice; the book has none, so its SKU; the T-shirt's first barcode.
    assert_eq!(read, [["036000291452"], ["036000291452"], ["BOOK-9"], ["4006381333931"]]);
    for (scan, sku) in read.concat().iter().zip(["MUG-1", "MUG-1", "BOOK-9", "TEE-M"]) {
        let found = call(&w, &packer, "lookup_product", json!({"code": scan})).unwrap();
        assert_eq!(found["product"]["sku"], sku);
    }

    // A partly used A4 sheet: starting at label 20 of 21, three labels take two sheets. (The
    // decoder reports identical symbols on one page once, so the three differ.)
    let req = json!({"kind": "products", "stock": "a4-21", "start": 20,
        "products": [{"product": "TEE-M", "count": 1}, {"product": "MUG-1", "count": 1},
                     {"product": "BOOK-9", "count": 1}]});
    let file = call(&w, &packer, "labels_pdf", req).unwrap();
    assert_eq!(file["pages"], 2);
    let mut read = decode(file["pdf_base64"].as_str().unwrap(), dir.path());
    read[0].sort();
    assert_eq!(read, [vec!["036000291452", "4006381333931"], vec!["BOOK-9"]]);

    let bad = |req| call(&w, &packer, "labels_pdf", req).unwrap_err();
    assert_eq!(
        bad(json!({"kind": "products", "stock": "a4-21", "start": 22,
        "products": [{"product": "TEE-M", "count": 1}]})),
        ErrorCode::Invalid
    );
    assert_eq!(
        bad(json!({"kind": "products", "stock": "a4-21",
        "products": [{"product": "NOPE", "count": 1}]})),
        ErrorCode::NotFound
    );
    assert_eq!(
        bad(json!({"kind": "products", "stock": "a4-21",
        "products": [{"product": "MUG-1", "count": 0}]})),
        ErrorCode::Invalid
    );
}

#[test]
fn badges_sign_their_operators_in_and_only_managers_print_them() {
    if !decoder_present() {
        return;
    }
    let w = warehouse();
    let dir = tempfile::tempdir().unwrap();
    let picker = w.sign_in("Pick 1", "OP-PICK");
    let req = json!({"kind": "badges", "stock": "letter-30"});
    assert_eq!(call(&w, &picker, "labels_pdf", req.clone()).unwrap_err(), ErrorCode::Forbidden);
    assert_eq!(call(&w, &picker, "print_labels", req.clone()).unwrap_err(), ErrorCode::Forbidden);

    let manager = w.sign_in("Pick 1", "OP-MGR");
    let file = call(&w, &manager, "labels_pdf", req).unwrap();
    assert_eq!(file["labels"], 3);
    let read = decode(file["pdf_base64"].as_str().unwrap(), dir.path());
    let mut names = BTreeSet::new();
    for badge in read.concat() {
        let session = w.local("sign_in", json!({"station": "Pack 1", "credential": badge}));
        names.insert(session["operator"]["name"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        names,
        BTreeSet::from(["Max Manager", "Pat Picker", "Pia Packer"].map(String::from))
    );

    // One operator by id.
    let operators = w.local("list_operators", json!({}));
    let pia = operators.as_array().unwrap().iter().find(|o| o["name"] == "Pia Packer").unwrap();
    let file = call(
        &w,
        &manager,
        "labels_pdf",
        json!({"kind": "badges", "stock": "roll-2.25x1.25", "operators": [pia["id"]]}),
    )
    .unwrap();
    assert_eq!(decode(file["pdf_base64"].as_str().unwrap(), dir.path()), [["OP-PACK"]]);
}
