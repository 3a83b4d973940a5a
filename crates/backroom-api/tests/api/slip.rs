//! Packing slips, checked the way a person or a scanner reads them: text through `pdftotext`,
//! fonts through `pdffonts`, and the barcode through `pdftoppm` and `zbarimg`. These tools come
//! from the poppler-utils and zbar-tools packages.

use std::path::{Path, PathBuf};
use std::process::Command;

use backroom_api::admin::settings::{SlipSettings, StoreSettings};
use backroom_api::devices::slip::{Shipment, SlipFile, content};
use backroom_api::orders::Order;
use backroom_api::{App, Caller, ErrorCode};
use backroom_core::slip::{return_code, words};
use base64::Engine;
use serde_json::{Value, json};
use tempfile::TempDir;

struct Shop {
    app: App,
    dir: TempDir,
}

impl Shop {
    fn local(&self, name: &str, req: Value) -> Value {
        self.app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name} failed: {e}"))
    }

    /// Renders a slip through the command list and writes it to a file in the shop's folder.
    fn slip(&self, req: Value) -> (PathBuf, SlipFile) {
        let file: SlipFile = serde_json::from_value(self.local("slip_pdf", req)).unwrap();
        let path = self.write(&file);
        (path, file)
    }

    fn write(&self, file: &SlipFile) -> PathBuf {
        let pdf = base64::engine::general_purpose::STANDARD.decode(&file.pdf_base64).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
        let path = self.dir.path().join(&file.filename);
        std::fs::write(&path, pdf).unwrap();
        path
    }

    fn order(&self, number: &str) -> Order {
        serde_json::from_value(self.local("get_order", json!({ "number": number }))).unwrap()
    }
}

/// A shop with a layout, stock in bins, and products with Latin, Greek and Cyrillic names.
fn shop() -> Shop {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("backroom.db")).unwrap();
    let s = Shop { app, dir };
    s.local(
        "set_layout",
        json!({"layout": {"name": "test", "aisles": 4, "blocks": 2, "slots_per_side": 5,
            "slot_length_m": 1.0, "aisle_pitch_m": 3.0, "cross_aisle_m": 2.0}}),
    );
    s.local("save_area", json!({"code": "RECEIVING", "kind": "receiving"}));
    let products = [
        ("MUG-1", "Mug, blue", Some("350 g"), 1299),
        ("TEE-M", "T-shirt M, crème brûlée", Some("0.4 lb"), 1999),
        ("BOOK-GR", "Βιβλίο μαγειρικής", Some("1.2 kg"), 2500),
        ("BOOK-RU", "Книга рецептов", None, 2300),
    ];
    for (sku, name, weight, price) in products {
        s.local(
            "save_product",
            json!({"sku": sku, "name": name, "unit_weight": weight, "price_cents": price}),
        );
    }
    let bins: Vec<Value> =
        serde_json::from_value(s.local("list_locations", json!({"kind": "bin"}))).unwrap();
    // Everything is in stock except the cap, which is sold out.
    for (k, (sku, qty)) in
        [("MUG-1", 12), ("TEE-M", 5), ("BOOK-GR", 3), ("BOOK-RU", 3)].iter().enumerate()
    {
        let bin = bins[k]["code"].as_str().unwrap().to_owned();
        s.local("receive", json!({"product": sku, "qty": qty, "to": bin}));
    }
    s.local(
        "save_product",
        json!({"sku": "CAP-1", "name": "Cap", "unit_weight": "80 g", "price_cents": 999}),
    );
    s
}

fn create_order(s: &Shop, number: &str, lines: &[(&str, i64)]) {
    let lines: Vec<Value> =
        lines.iter().map(|(sku, qty)| json!({"product": sku, "qty": qty})).collect();
    s.local(
        "create_order",
        json!({
            "number": number,
            "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
            "ship_to": {"name": "Ada Lovelace", "address1": "12 Analytical Row",
                        "address2": "Flat 3", "city": "Springfield", "region": "IL",
                        "postal_code": "62704", "country": "us"},
            "payment_status": "paid",
            "placed_at": "2026-11-20",
            "lines": lines,
        }),
    );
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {name} ({e}); install poppler-utils and zbar-tools")
    });
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pdftotext(path: &Path) -> String {
    tool("pdftotext", &["-layout", path.to_str().unwrap(), "-"])
}

fn pages(path: &Path) -> usize {
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("pdfinfo prints Pages:");
    line["Pages:".len()..].trim().parse().unwrap()
}

/// Rasterises the first page at 150 dpi and reads every barcode on it.
fn barcodes(path: &Path) -> Vec<String> {
    let png = path.with_extension("");
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-singlefile",
            path.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", png.with_extension("png").to_str().unwrap()])
        .output()
        .expect("cannot run zbarimg; install zbar-tools");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn a_slip_shows_every_line_the_address_and_the_return_text() {
    let s = shop();
    create_order(&s, "BR-1001", &[("MUG-1", 2), ("TEE-M", 1), ("BOOK-GR", 1)]);
    for size in ["letter", "a4", "4x6"] {
        let (path, file) = s.slip(json!({"order": "BR-1001", "size": size}));
        assert_eq!(file.filename, "slip-BR-1001.pdf");
        assert_eq!(file.missing_glyphs, 0);
        let text = pdftotext(&path);
        // Names wrap in the label's narrow column: look for the words with line breaks folded.
        let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in [
            "Backroom Goods",
            "Order BR-1001",
            "MUG-1",
            "Mug, blue",
            "TEE-M",
            // The label wraps this name, its quantities beside the first line.
            "T-shirt M, crème",
            "brûlée",
            "BOOK-GR",
            "Ada Lovelace",
            "12 Analytical Row",
            "Flat 3",
            "Springfield, IL 62704",
            "2026-11-20",
            "12.99",
            "Thank you for your order!",
            "Page 1 of 1",
            "Items total: $70.97",
        ] {
            assert!(folded.contains(needle), "{size}: `{needle}` missing from\n{text}");
        }
        // The item's name comes before its SKU, in reading order.
        for (name, sku) in [("Mug, blue", "MUG-1"), ("Βιβλίο μαγειρικής", "BOOK-GR")]
        {
            assert!(folded.find(name) < folded.find(sku), "{size}: {sku} before its name\n{text}");
        }
        // Column titles are words a customer reads, not codes.
        for word in ["Ordered", "package", "Price", "(USD)"] {
            assert!(folded.contains(word), "{size}: no `{word}`\n{text}");
        }
        for code in [" Ord ", " Box ", "B/O", "Qty"] {
            assert!(!folded.contains(code), "{size}: prints `{code}`\n{text}");
        }
        // The US address: city, state and ZIP on one line, the country's name last.
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let city = lines.iter().position(|l| *l == "Springfield, IL 62704").expect("city line");
        assert_eq!(lines[city + 1], "UNITED STATES", "{size}");
        // The return text carries the order's return code and window.
        assert!(folded.contains(&return_code("BR-1001")), "{size}: no return code\n{text}");
        assert!(folded.contains("within 30 days of delivery"), "{size}\n{text}");
        assert!(!folded.contains(&words::BACK_ORDER_NOTE[..30]), "{size}: no back order here");
        assert_eq!(pages(&path), 1);
    }
}

#[test]
fn greek_and_cyrillic_names_come_out_right_and_fonts_are_embedded() {
    let s = shop();
    create_order(&s, "BR-2001", &[("BOOK-GR", 1), ("BOOK-RU", 2)]);
    let (path, _) = s.slip(json!({"order": "BR-2001"}));
    let text = pdftotext(&path);
    assert!(text.contains("Βιβλίο μαγειρικής"), "{text}");
    assert!(text.contains("Книга рецептов"), "{text}");

    let fonts = tool("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.iter().any(|r| r.contains("DejaVuSans")), "{fonts}");
    assert!(rows.iter().any(|r| r.contains("DejaVuSans-Bold")), "{fonts}");
    for row in rows {
        // Columns: name type encoding emb sub uni object ID; emb must be yes for every font.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}");
    }
}

#[test]
fn a_character_the_font_lacks_is_replaced_visibly_and_counted() {
    let s = shop();
    s.local("save_product", json!({"sku": "TEA-1", "name": "Tea 茶 set", "price_cents": 900}));
    create_order(&s, "BR-3001", &[("TEA-1", 1)]);
    let (path, file) = s.slip(json!({"order": "BR-3001"}));
    assert_eq!(file.missing_glyphs, 1);
    let text = pdftotext(&path);
    assert!(text.contains("Tea \u{FFFD} set"), "{text}");
}

#[test]
fn the_barcode_decodes_to_the_order_number_on_every_size() {
    let s = shop();
    create_order(&s, "BR-1001", &[("MUG-1", 1)]);
    for size in ["letter", "a4", "4x6"] {
        let (path, _) = s.slip(json!({"order": "#BR-1001", "size": size, "packer_copy": true}));
        assert_eq!(barcodes(&path), ["BR-1001"], "{size}");
    }
}

#[test]
fn sixty_lines_span_pages_with_the_header_and_page_x_of_y() {
    let s = shop();
    for i in 1..=60 {
        s.local(
            "save_product",
            json!({"sku": format!("P-{i:03}"), "unit_weight": "100 g", "price_cents": 100 + i,
                   "name": format!("Product {i} with a rather long descriptive name that wraps onto a second line of the table")}),
        );
    }
    let lines: Vec<(String, i64)> = (1..=60).map(|i| (format!("P-{i:03}"), 1)).collect();
    let lines: Vec<(&str, i64)> = lines.iter().map(|(s, q)| (s.as_str(), *q)).collect();
    create_order(&s, "BR-6000", &lines);
    for size in ["letter", "a4", "4x6"] {
        let (path, file) = s.slip(json!({"order": "BR-6000", "size": size}));
        let n = pages(&path);
        assert!(n >= 2, "{size}: 60 lines on {n} page");
        assert_eq!(file.pages as usize, n);
        let text = pdftotext(&path);
        let by_page: Vec<&str> = text.split('\x0c').filter(|p| !p.trim().is_empty()).collect();
        assert_eq!(by_page.len(), n);
        for (i, page) in by_page.iter().enumerate() {
            assert!(page.contains(&format!("Page {} of {n}", i + 1)), "{size} page {}", i + 1);
            assert!(page.contains("Order BR-6000"), "{size}: header missing on page {}", i + 1);
        }
        for i in 1..=60 {
            assert_eq!(text.matches(&format!("P-{i:03}")).count(), 1, "{size}: line {i}");
        }
        // The barcode is on every page; check the first and that it decodes.
        assert_eq!(barcodes(&path), ["BR-6000"]);
    }
}

#[test]
fn back_ordered_quantities_print_with_a_note() {
    let s = shop();
    // The bins hold mugs but no caps: allocation reserves the mugs and back-orders the caps.
    create_order(&s, "BR-4001", &[("MUG-1", 3), ("CAP-1", 2)]);
    let (path, _) = s.slip(json!({"order": "BR-4001"}));
    let text = pdftotext(&path);
    let columns = |sku: &str| -> Vec<String> {
        let row = text.lines().find(|l| l.contains(sku)).unwrap_or_else(|| panic!("{sku} row"));
        row.split_whitespace().rev().take(4).map(str::to_owned).collect()
    };
    assert_eq!(
        columns("MUG-1"),
        ["12.99", "-", "3", "3"],
        "price, back-ordered, in package, ordered"
    );
    assert_eq!(columns("CAP-1"), ["9.99", "2", "0", "2"]);
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(folded.contains(words::BACK_ORDER_NOTE), "{text}");
}

#[test]
fn a_gift_message_hides_prices() {
    let s = shop();
    s.local(
        "create_order",
        json!({
            "number": "BR-4002",
            "customer": {"name": "Ada Lovelace"},
            "ship_to": {"name": "Grigoris", "address1": "1 Odos", "city": "Athens",
                        "postal_code": "10552", "country": "gr"},
            "payment_status": "paid",
            "gift_message": "Happy birthday, Γρηγόρη!",
            "lines": [{"product": "MUG-1", "qty": 1}],
        }),
    );
    assert_eq!(s.order("BR-4002").gift_message, "Happy birthday, Γρηγόρη!");
    let (path, _) = s.slip(json!({"order": "BR-4002"}));
    let text = pdftotext(&path);
    assert!(text.contains("Happy birthday, Γρηγόρη!"), "{text}");
    assert!(!text.contains("12.99") && !text.contains("Price"), "{text}");
    create_order(&s, "BR-4003", &[("MUG-1", 1)]);
    let (path, _) = s.slip(json!({"order": "BR-4003"}));
    assert!(pdftotext(&path).contains("12.99"), "an order that is not a gift shows its prices");
}

#[test]
fn the_packer_copy_shows_bins_and_expected_weight() {
    let s = shop();
    create_order(&s, "BR-5001", &[("MUG-1", 2), ("TEE-M", 1)]);
    let (path, _) = s.slip(json!({"order": "BR-5001", "packer_copy": true}));
    let text = pdftotext(&path);
    assert!(text.contains("PACKER'S COPY"), "{text}");
    assert!(text.contains("Bins: A"), "the mug's bin: {text}");
    // 2 × 350 g + 0.4 lb (181.4 g) = 881 g.
    assert!(text.contains("Expected weight of contents: 881 g"), "{text}");

    create_order(&s, "BR-5002", &[("MUG-1", 1), ("BOOK-RU", 1)]);
    let (path, _) = s.slip(json!({"order": "BR-5002", "packer_copy": true}));
    let text = pdftotext(&path);
    assert!(text.contains("cannot audit: no unit weight for BOOK-RU"), "{text}");

    let (path, _) = s.slip(json!({"order": "BR-5002"}));
    assert!(!pdftotext(&path).contains("Bins:"), "the customer's copy shows no bins");

    create_order(&s, "BR-5003", &[("CAP-1", 1)]);
    let (path, _) = s.slip(json!({"order": "BR-5003", "packer_copy": true}));
    assert!(pdftotext(&path).contains("none in stock"));
}

#[test]
fn a_batch_is_one_pdf_in_the_order_given() {
    let s = shop();
    for n in ["B-1", "B-2", "B-3"] {
        create_order(&s, n, &[("MUG-1", 1)]);
    }
    let file: SlipFile = serde_json::from_value(
        s.local("slip_batch_pdf", json!({"orders": ["B-3", "B-1", "B-2"], "size": "4x6"})),
    )
    .unwrap();
    let path = s.write(&file);
    assert_eq!(pages(&path), 3);
    let text = pdftotext(&path);
    let at = |n: &str| text.find(&format!("Order {n}")).unwrap();
    assert!(at("B-3") < at("B-1") && at("B-1") < at("B-2"), "{text}");
    assert_eq!(text.matches("Page 1 of 1").count(), 3);
}

#[test]
fn settings_change_the_slip_and_a_bad_logo_is_refused() {
    let s = shop();
    create_order(&s, "BR-7001", &[("MUG-1", 1)]);
    let mut settings = s.local("get_settings", json!({}));
    assert_eq!(settings["slip"]["return_window_days"], 30);
    let logo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/logo.png");
    settings["slip"]["store_name"] = json!("Λευκός Κύκνος Shop");
    settings["slip"]["return_window_days"] = json!(14);
    settings["slip"]["thank_you"] = json!("Спасибо за покупку!");
    settings["slip"]["logo"] = json!(logo.to_str().unwrap());
    settings["slip"]["page_size"] = json!("a4");
    s.local("save_settings", settings.clone());
    let (path, _) = s.slip(json!({"order": "BR-7001"}));
    let text = pdftotext(&path);
    assert!(text.contains("Λευκός Κύκνος Shop"), "{text}");
    assert!(text.contains("Спасибо за покупку!"), "{text}");
    assert!(text.contains("within 14 days"), "{text}");
    let size = tool("pdfinfo", &[path.to_str().unwrap()]);
    assert!(size.contains("595.") && size.contains("841."), "the saved A4 default: {size}");
    let images = tool("pdfimages", &["-list", path.to_str().unwrap()]);
    assert!(images.lines().count() > 2, "the logo is on the page: {images}");

    // The same logo as base64 works too; the preview uses unsaved settings.
    let png = std::fs::read(&logo).unwrap();
    let mut preview: SlipSettings = serde_json::from_value(settings["slip"].clone()).unwrap();
    preview.logo = base64::engine::general_purpose::STANDARD.encode(&png);
    preview.store_name = "Preview Store".into();
    let (path, _) = s.slip(json!({"order": "BR-7001", "preview": preview}));
    assert!(pdftotext(&path).contains("Preview Store"));

    settings["slip"]["logo"] =
        json!(base64::engine::general_purpose::STANDARD.encode(
            b"not a png at all, just some text that is long enough to look like base64 data"
        ));
    let err = s.app.call(Caller::Local, "save_settings", settings).unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid, "{err}");
}

#[test]
fn printing_without_a_printer_says_how_to_choose_one() {
    let s = shop();
    create_order(&s, "BR-8001", &[("MUG-1", 1)]);
    let err = s.app.call(Caller::Local, "print_slip", json!({"order": "BR-8001"})).unwrap_err();
    assert!(err.message.contains("no printer"), "{err}");
    let err = s
        .app
        .call(Caller::Local, "print_slip", json!({"order": "BR-8001", "printer": "No Such/Queue"}))
        .unwrap_err();
    assert!(err.message.contains("not a CUPS queue name"), "{err}");
}

/// The first bin holding `sku`, from the stock look-up.
fn bin_of(s: &Shop, sku: &str) -> String {
    let found = s.local("lookup_product", json!({"code": sku}));
    found["locations"][0]["location"].as_str().expect("a bin holds it").to_owned()
}

#[test]
fn a_reprint_of_a_shipped_order_shows_what_left_and_when() {
    let s = shop();
    create_order(&s, "BR-7001", &[("MUG-1", 2), ("TEE-M", 1)]);
    s.local("save_area", json!({"code": "PACK", "kind": "packing"}));
    for (sku, qty) in [("MUG-1", 2), ("TEE-M", 1)] {
        let bin = bin_of(&s, sku);
        s.local("pick", json!({"order": "BR-7001", "product": sku, "bin": bin, "qty": qty}));
    }
    s.local(
        "save_box",
        json!({"code": "BOX-T", "name": "Test box", "tare_g": 100,
               "inner_mm": {"length": 400, "width": 300, "height": 300}}),
    );
    let expected = s.local("expected_weight", json!({"order": "BR-7001", "box": "BOX-T"}));
    let weighed = s.local(
        "weigh",
        json!({"order": "BR-7001", "box": "BOX-T", "grams": expected["expected_g"], "stable": true}),
    );
    assert_eq!(weighed["status"], "packed", "{weighed}");
    let shipped = s.local("ship_order", json!({"number": "BR-7001"}));
    assert_eq!(shipped["status"], "shipped");

    let (path, _) = s.slip(json!({"order": "BR-7001", "size": "letter"}));
    let text = pdftotext(&path);
    let columns = |sku: &str| -> Vec<String> {
        let row = text.lines().find(|l| l.contains(sku)).unwrap_or_else(|| panic!("{sku} row"));
        row.split_whitespace().rev().take(4).map(str::to_owned).collect()
    };
    // Price, back-ordered, in package, ordered: the package held what was shipped.
    assert_eq!(columns("MUG-1"), ["12.99", "-", "2", "2"], "{text}");
    assert_eq!(columns("TEE-M"), ["19.99", "-", "1", "1"], "{text}");

    // The ship date is the shipment's, on the store's calendar, not the day of the reprint.
    let order = s.order("BR-7001");
    let slip_settings: SlipSettings =
        serde_json::from_value(s.local("get_settings", json!({}))["slip"].clone()).unwrap();
    let store = StoreSettings { time_zone: "America/Los_Angeles".into(), ..Default::default() };
    let shipment = Shipment {
        units: [("MUG-1".to_owned(), 2), ("TEE-M".to_owned(), 1)].into(),
        at: "2026-11-22T03:00:00Z".into(),
    };
    let c = content(&order, &slip_settings, &store, "2026-12-06T12:00:00Z", Some(&shipment));
    assert_eq!(c.ship_date, "2026-11-21", "03:00 UTC is the evening before in Los Angeles");
    assert_eq!(c.lines.iter().map(|l| l.in_package).collect::<Vec<_>>(), [2, 1]);
    let unshipped = content(&order, &slip_settings, &store, "2026-12-06T12:00:00Z", None);
    assert_eq!(unshipped.ship_date, "2026-12-06");
}

#[test]
fn the_country_line_is_named_abroad_and_left_off_at_home() {
    let s = shop();
    create_order(&s, "BR-9001", &[("MUG-1", 1)]);
    let order = s.order("BR-9001");
    let country = &order.ship_to.country;
    let slip_settings: SlipSettings =
        serde_json::from_value(s.local("get_settings", json!({}))["slip"].clone()).unwrap();
    let from = |code: &str| StoreSettings { country: Some(code.into()), ..Default::default() };
    let now = "2026-12-06T12:00:00Z";
    let abroad = content(&order, &slip_settings, &from("CA"), now, None).ship_to;
    let home = content(&order, &slip_settings, &from(country), now, None).ship_to;
    assert_eq!(abroad.last().unwrap(), "UNITED STATES", "{country}: {abroad:?}");
    assert_eq!(home[..], abroad[..abroad.len() - 1], "a domestic parcel has no country line");

    // The store's country is a code the names table knows.
    let mut settings = s.local("get_settings", json!({}));
    settings["store"]["country"] = json!("Narnia");
    let refused = s.app.call(Caller::Local, "save_settings", settings).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid);
}

#[test]
fn dates_and_money_follow_the_store_and_the_order() {
    let s = shop();
    let mut settings = s.local("get_settings", json!({}));
    settings["store"]["time_zone"] = json!("Asia/Tokyo");
    // An order entered by hand names no currency, so it takes the store's.
    settings["store"]["currency"] = json!("EUR");
    s.local("save_settings", settings);
    s.local(
        "create_order",
        json!({
            "number": "BR-8001",
            "customer": {"name": "Γιώργος Παπαδόπουλος"},
            "ship_to": {"name": "Γιώργος Παπαδόπουλος", "address1": "Ερμού 25", "city": "Αθήνα",
                        "region": "Αττική", "postal_code": "105 63", "country": "GR"},
            "payment_status": "paid",
            // 23:30 UTC on the 20th is the morning of the 21st in Tokyo.
            "placed_at": "2026-11-20T23:30:00Z",
            "lines": [{"product": "MUG-1", "qty": 2}],
        }),
    );
    let (path, _) = s.slip(json!({"order": "BR-8001", "size": "a4"}));
    let text = pdftotext(&path);
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(folded.contains("Order date: 2026-11-21"), "{text}");
    assert!(folded.contains("Price (EUR)") && folded.contains("Items total: €25.98"), "{text}");
    // Greece: postcode before the city, no region line.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let street = lines.iter().position(|l| *l == "Ερμού 25").expect("street line");
    assert_eq!(lines[street + 1..street + 3], ["105 63 Αθήνα", "GREECE"], "{text}");
    assert!(!folded.contains("Αττική"), "{text}");
}
