//! Packing-slip speed: one slip, and 1,000 slips in one PDF, against headless Chromium printing
//! the same slip from HTML (`chromium --headless --print-to-pdf`), measured in the same run.
//!
//! Run: `cargo run --release -p backroom --example slip_bench [CHROMIUM_RUNS]`. The aim is a
//! single slip in at most 20 ms and the batch at least 50 times faster per slip than Chromium.

use std::process::Command;
use std::time::{Duration, Instant};

use backroom_api::devices::slip::SlipFile;
use backroom_api::{App, Caller};
use serde_json::{Value, json};

fn call(app: &App, name: &str, req: Value) -> Value {
    app.call(Caller::Local, name, req).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The same slip as HTML, as a web-template slip would be written.
fn html(order: &Value) -> String {
    let rows: String = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>-</td><td>{:.2}</td></tr>",
                l["sku"].as_str().unwrap(),
                l["name"].as_str().unwrap(),
                l["qty"],
                l["qty"],
                l["unit_price_cents"].as_f64().unwrap() / 100.0
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><meta charset=utf-8><style>
         @page {{ size: letter; margin: 0.5in }} body {{ font: 9.5pt 'DejaVu Sans' }}
         table {{ width: 100%; border-collapse: collapse }} td, th {{ text-align: left; padding: 2px }}
         </style></head><body><h1>Backroom Goods</h1><h2>Order {}</h2>
         <p>Ship to: {}, {}, {}</p><table><tr><th>SKU</th><th>Item</th><th>Ordered</th>
         <th>In package</th><th>Back-ordered</th><th>Price</th></tr>{rows}</table>
         <p>Not quite right? You can return unused items within 30 days of delivery.</p>
         <p>Thank you for your order!</p></body></html>",
        order["number"].as_str().unwrap(),
        order["ship_to"]["name"].as_str().unwrap(),
        order["ship_to"]["address1"].as_str().unwrap(),
        order["ship_to"]["city"].as_str().unwrap(),
    )
}

fn main() {
    let chromium_runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("bench.db")).unwrap();
    for i in 0..20 {
        call(
            &app,
            "save_product",
            json!({"sku": format!("SKU-{i:02}"), "price_cents": 499 + i,
            "name": format!("Product {i}, Ελληνικά и кириллица, with a longer name")}),
        );
    }
    let orders: Vec<String> = (0..1000).map(|i| format!("BENCH-{i:04}")).collect();
    for (i, number) in orders.iter().enumerate() {
        let lines: Vec<Value> = (0..4)
            .map(|k| json!({"product": format!("SKU-{:02}", (i + k * 5) % 20), "qty": k + 1}))
            .collect();
        call(
            &app,
            "create_order",
            json!({"number": number, "customer": {"name": "Ada Lovelace"},
            "ship_to": {"name": "Ada Lovelace", "address1": "1 Main St", "city": "Springfield",
                        "postal_code": "12345", "country": "us"},
            "payment_status": "paid", "lines": lines}),
        );
    }

    // One slip through the command list, as the UI and `backroom slip` get it: database read,
    // layout, PDF with subset fonts, base64. The first call also parses the font.
    let first = Instant::now();
    call(&app, "slip_pdf", json!({"order": orders[0]}));
    let first = first.elapsed();
    let single: Vec<Duration> = (0..50)
        .map(|_| {
            let t = Instant::now();
            call(&app, "slip_pdf", json!({"order": orders[1]}));
            t.elapsed()
        })
        .collect();
    let single = median(single);

    let t = Instant::now();
    let batch: SlipFile =
        serde_json::from_value(call(&app, "slip_batch_pdf", json!({"orders": orders}))).unwrap();
    let batch_time = t.elapsed();
    let batch_per_slip = batch_time / orders.len() as u32;

    println!("first slip (font parse included): {:.1} ms", ms(first));
    println!("one slip, median of 50:           {:.2} ms (aim <= 20 ms)", ms(single));
    println!(
        "batch of {} slips, one PDF:     {:.0} ms, {:.3} ms per slip, {} pages, {} KB",
        orders.len(),
        ms(batch_time),
        ms(batch_per_slip),
        batch.pages,
        batch.pdf_base64.len() * 3 / 4 / 1024
    );

    let order = call(&app, "get_order", json!({"number": orders[1]}));
    let page = dir.path().join("slip.html");
    std::fs::write(&page, html(&order)).unwrap();
    let out = dir.path().join("chromium.pdf");
    let mut chromium = Vec::new();
    for _ in 0..chromium_runs {
        let t = Instant::now();
        let status = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                &format!("--print-to-pdf={}", out.display()),
                &format!("file://{}", page.display()),
            ])
            .output();
        match status {
            Ok(o) if o.status.success() && out.exists() => chromium.push(t.elapsed()),
            Ok(o) => {
                eprintln!("chromium failed: {}", String::from_utf8_lossy(&o.stderr));
                break;
            }
            Err(e) => {
                eprintln!("chromium did not run ({e}); install chromium to compare");
                break;
            }
        }
    }
    if chromium.is_empty() {
        return;
    }
    let chromium = median(chromium);
    println!("chromium, one slip, median of {chromium_runs}:   {:.0} ms", ms(chromium));
    println!(
        "batch vs chromium per slip:       {:.0}x faster (aim >= 50x)",
        chromium.as_secs_f64() / batch_per_slip.as_secs_f64()
    );
    println!(
        "single slip vs chromium:          {:.0}x faster",
        chromium.as_secs_f64() / single.as_secs_f64()
    );
}
