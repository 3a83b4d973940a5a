//! WooCommerce's orders export, as the WebToffee "Order Export & Import" plugin writes it: one
//! row per order, its items packed into `line_item_1`, `line_item_2`... cells.
//!
//! ```text
//! order_id,order_number,order_date,status,...,order_total,order_currency,...,shipping_method,...,billing_first_name,billing_last_name,...,shipping_country,customer_note,...,fee_items,...,line_item_1,line_item_2
//! 1003,1003,16-05-2018 07:21:32,processing,...,58.98,USD,...,Express Delivery,...,Mark,Xa,...,US,,...,,...,name:LED TV|product_id:616773447|sku:A13|quantity:1|total:23.19|tax:4.17,name:Samsung Galaxy Ace Duos|sku:A11|quantity:1|total:8.80|tax:1.58
//! ```
//!
//! The file is recognised by its header: `order_number` or `order_id`, and `line_item_` columns.
//! Columns are matched by name and the plugin lets a shop choose them, so only the order's
//! number and its items are required; the columns below are read, the rest ignored.
//!
//! - The number is `order_number` (or `order_id`). Importing the same export again changes
//!   nothing; a later export brings the payment up to date and cancels here an order the shop
//!   cancelled before it was picked, as for Shopify ([`super::orders::enter`]).
//! - `order_date` is the shop's local time without an offset (`16-05-2018 07:32:06` or
//!   `2018-05-16 07:32:06`), read in the store's time zone (Settings) unless the import names
//!   another; a shop set up to write other dates says how (`date_format`).
//! - `status` (with or without WooCommerce's `wc-` prefix): `processing` is paid and to ship;
//!   `pending` and `on-hold` wait for payment (screening holds them); `completed` was sent by
//!   the shop and comes in shipped, for the record and for planning's demand; `cancelled`,
//!   `refunded`, `failed` and `checkout-draft` come in cancelled. A status a plugin added is
//!   no error: the order comes in held with the status named, for a person to decide.
//! - `order_total` is the order's total, `order_currency` its currency, `shipping_method` its
//!   service (and carrier, when it names one).
//! - The customer is `billing_first_name` and `billing_last_name`, `billing_email` (or
//!   `customer_email`) and `billing_phone`. The ship-to address is the `shipping_` columns, or
//!   the billing address when the order has none; a company goes in front of the second line.
//!
//! Each `line_item_N` cell is one item as `key:value` pairs separated by `|`: `name`, `sku`,
//! `quantity` (1 to 1,000,000) and `total` (the line's total, from which the unit price comes)
//! are read. A `|` inside a name is kept when what follows it is not a new `key:`. The item is
//! then matched and kept as every shop's lines are ([`super::shop`]): a product not known holds
//! the order until a manager maps it. Each fee in `fee_items` (gift wrap, a handling fee) is
//! kept on the order as a line that needs no shipping.
//!
//! A value that cannot be read (a quantity that is not a number, a date in another format, a
//! total that is not an amount) enters nothing, and every problem is named by its line and
//! column.

use backroom_core::limits;
use backroom_core::order::{OrderStatus, PaymentStatus};

use super::orders::{self, FileOrder};
use super::sheet::{self, Errors, Row, Sheet, cut, parse_cents, parse_whole};
use super::shop::{Sent, ShopItem, ShopOrders};
use super::{DateReading, ImportReport, refused};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::{Address, Customer, NewOrder};

const ORDER_ID: &str = "order_id";
const ORDER_NUMBER: &str = "order_number";
const ORDER_DATE: &str = "order_date";
const STATUS: &str = "status";
const ORDER_TOTAL: &str = "order_total";
const CURRENCY: &str = "order_currency";
const SHIPPING_METHOD: &str = "shipping_method";
const CUSTOMER_EMAIL: &str = "customer_email";
const BILLING_FIRST_NAME: &str = "billing_first_name";
const BILLING_LAST_NAME: &str = "billing_last_name";
const BILLING_COMPANY: &str = "billing_company";
const BILLING_EMAIL: &str = "billing_email";
const BILLING_PHONE: &str = "billing_phone";
const BILLING_ADDRESS_1: &str = "billing_address_1";
const BILLING_ADDRESS_2: &str = "billing_address_2";
const BILLING_POSTCODE: &str = "billing_postcode";
const BILLING_CITY: &str = "billing_city";
const BILLING_STATE: &str = "billing_state";
const BILLING_COUNTRY: &str = "billing_country";
const SHIPPING_FIRST_NAME: &str = "shipping_first_name";
const SHIPPING_LAST_NAME: &str = "shipping_last_name";
const SHIPPING_COMPANY: &str = "shipping_company";
const SHIPPING_ADDRESS_1: &str = "shipping_address_1";
const SHIPPING_ADDRESS_2: &str = "shipping_address_2";
const SHIPPING_POSTCODE: &str = "shipping_postcode";
const SHIPPING_CITY: &str = "shipping_city";
const SHIPPING_STATE: &str = "shipping_state";
const SHIPPING_COUNTRY: &str = "shipping_country";
const SHIPPING_PHONE: &str = "shipping_phone";
const FEE_ITEMS: &str = "fee_items";

/// The columns read by name; the `line_item_N` columns are found by their prefix.
pub const COLUMNS: [&str; 30] = [
    ORDER_ID,
    ORDER_NUMBER,
    ORDER_DATE,
    STATUS,
    ORDER_TOTAL,
    CURRENCY,
    SHIPPING_METHOD,
    CUSTOMER_EMAIL,
    BILLING_FIRST_NAME,
    BILLING_LAST_NAME,
    BILLING_COMPANY,
    BILLING_EMAIL,
    BILLING_PHONE,
    BILLING_ADDRESS_1,
    BILLING_ADDRESS_2,
    BILLING_POSTCODE,
    BILLING_CITY,
    BILLING_STATE,
    BILLING_COUNTRY,
    SHIPPING_FIRST_NAME,
    SHIPPING_LAST_NAME,
    SHIPPING_COMPANY,
    SHIPPING_ADDRESS_1,
    SHIPPING_ADDRESS_2,
    SHIPPING_POSTCODE,
    SHIPPING_CITY,
    SHIPPING_STATE,
    SHIPPING_COUNTRY,
    SHIPPING_PHONE,
    FEE_ITEMS,
];

/// The prefix of the item columns.
const LINE_ITEM: &str = "line_item_";

/// How the report names this format.
const FORMAT: &str = "woocommerce orders";

/// The dates WooCommerce exports write, tried in turn.
const DATE_FORMATS: [&str; 4] =
    ["%d-%m-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"];

/// Whether `text` is a WooCommerce orders export, judged by its header.
pub(super) fn is_export(text: &str) -> bool {
    let names = sheet::header_names(text);
    let has = |column: &str| names.iter().any(|n| n == column);
    (has(ORDER_NUMBER) || has(ORDER_ID)) && names.iter().any(|n| n.starts_with(LINE_ITEM))
}

pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
    dates: DateReading,
) -> Result<ImportReport, ApiError> {
    let dates = dates.in_store_zone(ctx)?;
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "WooCommerce orders", &COLUMNS, &[], &mut errors);
    if !sheet.header_ok {
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    let number_column = if sheet.has(ORDER_NUMBER) { ORDER_NUMBER } else { ORDER_ID };
    if !sheet.has(number_column) {
        errors.add(
            1,
            Some(ORDER_NUMBER.to_owned()),
            "the header has no “order_number” or “order_id” column; export the orders again \
             with the order number included",
        );
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    let item_columns = sheet.columns_starting(LINE_ITEM);
    let mut orders = ShopOrders::default();
    for row in &sheet.rows {
        let number = sheet.get(row, number_column);
        if number.is_empty() {
            errors.add(
                row.line,
                sheet.column(number_column),
                "the order number is empty; every row of a WooCommerce export is one order \
                 and names it",
            );
            continue;
        }
        if let Some(first) = orders.find(number) {
            let first = orders.line_of(first);
            errors.add(
                row.line,
                sheet.column(number_column),
                format!(
                    "order {} is on line {first} already; a WooCommerce export has one row per \
                     order, so export the orders again rather than joining two files",
                    cut(number)
                ),
            );
            continue;
        }
        let index = orders.begin(parse_order(&sheet, row, number_column, &dates, &mut errors));
        let fees = fee_items(sheet.get(row, FEE_ITEMS));
        let fee_column = sheet.column(FEE_ITEMS);
        let items = item_columns
            .iter()
            .map(|&i| (sheet.value(row, i), Some(sheet.header(i).to_owned()), true))
            .chain(fees.into_iter().map(|fee| (fee, fee_column.clone(), false)));
        for (cell, column, ships) in items {
            if cell.is_empty() {
                continue;
            }
            let mut fail = |reason: String| errors.add(row.line, column.clone(), reason);
            let Some(item) = parse_item(cell, ships).map_err(&mut fail).ok() else { continue };
            if let Some(reason) = orders.add(ctx, index, item)? {
                fail(reason);
            }
        }
    }
    orders::enter(ctx, FORMAT, sheet.records, errors, dry_run, &orders.finish())
}

/// An item cell's `key:value` pairs, in order. A piece without a `key:` in front belongs to
/// the value before it, which had a `|` in it.
fn pairs(cell: &str) -> Vec<(&str, String)> {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for piece in cell.split('|') {
        let key = piece.split_once(':').map(|(key, _)| key.trim()).filter(|key| {
            !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
        match (key, pairs.last_mut()) {
            (Some(key), _) => {
                let value = &piece[piece.find(':').expect("a key ends at a colon") + 1..];
                pairs.push((key, value.to_owned()));
            }
            (None, Some((_, value))) => {
                value.push('|');
                value.push_str(piece);
            }
            (None, None) => pairs.push(("", piece.to_owned())),
        }
    }
    for (_, value) in &mut pairs {
        *value = value.trim().to_owned();
    }
    pairs
}

/// Reads one item cell (or a fee, which needs no shipping), or says what is wrong with it.
fn parse_item(cell: &str, ships: bool) -> Result<ShopItem, String> {
    let pairs = pairs(cell);
    let get = |key: &str| pairs.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v.as_str());
    let shape = "WooCommerce writes an item as name:Mug|sku:MUG-1|quantity:2|total:25.98";
    let name = get("name").to_owned();
    let sku = get("sku").to_owned();
    if name.is_empty() && sku.is_empty() {
        return Err(format!("“{}” names no item (no name: or sku:); {shape}", cut(cell)));
    }
    let qty = match get("quantity") {
        // A fee is one of itself.
        "" if !ships => 1,
        "" => return Err(format!("the item “{}” has no quantity:; {shape}", cut(&name))),
        text => {
            let qty = parse_whole(text, "quantity").map_err(|e| format!("{e}; {shape}"))?;
            limits::QTY
                .check("the quantity", qty)
                .map_err(|e| format!("{e}; an order line is 1 to 1,000,000 units"))?
        }
    };
    let unit_price_cents = match get("total") {
        "" => None,
        text => {
            let total = parse_cents(text).map_err(|e| format!("the item's total: {e}"))?;
            let unit = (total + qty / 2) / qty;
            Some(
                limits::PRICE_CENTS
                    .check("the unit price", unit)
                    .map_err(|e| format!("{e}; check the item's total:"))?,
            )
        }
    };
    Ok(ShopItem { name, sku, qty, unit_price_cents, ships, sent: Sent::Nothing })
}

/// The fees of a `fee_items` cell, several separated by `;`, each starting with `name:`.
fn fee_items(cell: &str) -> Vec<&str> {
    let mut fees: Vec<&str> = Vec::new();
    let mut start = 0;
    for (at, _) in cell.match_indices(';') {
        if cell[at + 1..].trim_start().starts_with("name:") {
            fees.push(cell[start..at].trim());
            start = at + 1;
        }
    }
    fees.push(cell[start..].trim());
    fees.retain(|f| !f.is_empty());
    fees
}

/// What a WooCommerce status means here: the payment, and whether the shop has finished with
/// the order (and why). `None` for a status Backroom does not know.
type Meaning = (PaymentStatus, Option<(OrderStatus, &'static str)>);

fn status_meaning(status: &str) -> Option<Meaning> {
    let cancelled = |why| Some((OrderStatus::Cancelled, why));
    Some(match status {
        "processing" => (PaymentStatus::Paid, None),
        "pending" | "on-hold" | "" => (PaymentStatus::Pending, None),
        "completed" => (
            PaymentStatus::Paid,
            Some((OrderStatus::Shipped, "completed in WooCommerce before the import")),
        ),
        "cancelled" => (PaymentStatus::Pending, cancelled("cancelled in WooCommerce")),
        "refunded" => (PaymentStatus::Refunded, cancelled("refunded in WooCommerce")),
        "failed" => (PaymentStatus::Failed, cancelled("payment failed in WooCommerce")),
        "checkout-draft" | "draft" => {
            (PaymentStatus::Pending, cancelled("a checkout never finished in WooCommerce"))
        }
        _ => return None,
    })
}

/// Reads an order's own columns, reporting each value that is wrong.
fn parse_order(
    sheet: &Sheet,
    row: &Row,
    number_column: &str,
    dates: &DateReading,
    errors: &mut Errors,
) -> FileOrder {
    let get = |column: &str| sheet.get(row, column);
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let placed_at = match get(ORDER_DATE) {
        "" => None,
        text => dates
            .read_local(
                text,
                &DATE_FORMATS,
                "WooCommerce writes them (16-05-2018 07:32:06 or 2018-05-16 07:32:06)",
            )
            .map_err(|reason| fail(ORDER_DATE, reason))
            .ok(),
    };
    let total_cents = match get(ORDER_TOTAL) {
        "" => None,
        text => parse_cents(text).map_err(|reason| fail(ORDER_TOTAL, reason)).ok(),
    };
    let status = get(STATUS).to_ascii_lowercase();
    let status = status.strip_prefix("wc-").unwrap_or(&status);
    let meaning = status_meaning(status);
    let (payment, closed) = meaning.unwrap_or((PaymentStatus::Pending, None));
    let joined =
        |first: &str, last: &str| format!("{} {}", get(first), get(last)).trim().to_owned();
    let unquoted = |column: &str| get(column).trim_start_matches('\'').to_owned();
    let billing_name = joined(BILLING_FIRST_NAME, BILLING_LAST_NAME);
    let shipping_name = joined(SHIPPING_FIRST_NAME, SHIPPING_LAST_NAME);
    let has_shipping = !(get(SHIPPING_ADDRESS_1).is_empty() && get(SHIPPING_CITY).is_empty());
    // The billing address stands in when the order has no shipping address of its own.
    let side = |shipping: &'static str, billing: &'static str| {
        if has_shipping { shipping } else { billing }
    };
    let address2 = match (
        get(side(SHIPPING_COMPANY, BILLING_COMPANY)),
        get(side(SHIPPING_ADDRESS_2, BILLING_ADDRESS_2)),
    ) {
        (company, "") => company.to_owned(),
        ("", address2) => address2.to_owned(),
        (company, address2) => format!("{company}, {address2}"),
    };
    let email = match get(BILLING_EMAIL) {
        "" => get(CUSTOMER_EMAIL),
        email => email,
    };
    let phone = match unquoted(BILLING_PHONE) {
        phone if phone.is_empty() => unquoted(SHIPPING_PHONE),
        phone => phone,
    };
    let order = NewOrder {
        number: get(number_column).to_owned(),
        customer: Customer {
            name: if billing_name.is_empty() {
                shipping_name.clone()
            } else {
                billing_name.clone()
            },
            email: email.to_owned(),
            phone,
        },
        ship_to: Address {
            name: if has_shipping && !shipping_name.is_empty() {
                shipping_name
            } else {
                billing_name
            },
            address1: get(side(SHIPPING_ADDRESS_1, BILLING_ADDRESS_1)).to_owned(),
            address2,
            city: get(side(SHIPPING_CITY, BILLING_CITY)).to_owned(),
            region: get(side(SHIPPING_STATE, BILLING_STATE)).to_owned(),
            postal_code: unquoted(side(SHIPPING_POSTCODE, BILLING_POSTCODE)),
            country: get(side(SHIPPING_COUNTRY, BILLING_COUNTRY)).to_owned(),
        },
        billing_country: get(BILLING_COUNTRY).to_owned(),
        placed_at,
        ship_by: None,
        payment_status: payment,
        priority: 0,
        gift_message: String::new(),
        backorder_policy: None,
        carrier: None,
        service: Some(get(SHIPPING_METHOD).to_owned()).filter(|m| !m.is_empty()),
        lines: Vec::new(),
    };
    let mut file_order = FileOrder::new(row.line, order, Some(payment));
    file_order.total_cents = total_cents;
    file_order.currency = get(CURRENCY).to_ascii_uppercase();
    file_order.closed = closed.map(|(status, why)| (status, why.to_owned()));
    file_order.cancelled = matches!(file_order.closed, Some((OrderStatus::Cancelled, _)));
    if meaning.is_none() {
        file_order.payment = None;
        file_order.hold = Some(format!(
            "its WooCommerce status “{}” is not one Backroom knows (processing, pending, \
             on-hold, completed, cancelled, refunded, failed); check the order in WooCommerce, \
             then release or cancel it here",
            cut(status)
        ));
    }
    file_order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_woocommerce_export_is_told_by_its_order_number_and_item_columns() {
        assert!(is_export("order_id,order_number,status,line_item_1\n"));
        assert!(is_export("Order_Number;Line_Item_1\n"));
        assert!(!is_export("number,sku,qty\n"), "Backroom's own format");
        assert!(!is_export("order_number,sku\n"), "no packed items");
    }

    #[test]
    fn item_cells_read_as_pairs_keeping_a_bar_inside_a_name() {
        let item = parse_item(
            "name:Men's Cotton T-Shirt|product_id:616773455|sku:B11V2|quantity:2|total:16.00|color:Red",
            true,
        )
        .unwrap();
        assert_eq!((item.name.as_str(), item.sku.as_str()), ("Men's Cotton T-Shirt", "B11V2"));
        assert_eq!((item.qty, item.unit_price_cents), (2, Some(800)));
        let odd = parse_item("name:Cup | Saucer|sku:CS-1|quantity:1", true).unwrap();
        assert_eq!(odd.name, "Cup | Saucer");
        assert_eq!(odd.unit_price_cents, None);
        let fee = parse_item("name:Gift Wrap|total:1.00|tax:0.18", false).unwrap();
        assert_eq!((fee.qty, fee.unit_price_cents, fee.ships), (1, Some(100), false));
        assert!(parse_item("name:Mug|sku:M|quantity:two", true).unwrap_err().contains("“two”"));
        assert!(parse_item("name:Mug|sku:M", true).unwrap_err().contains("no quantity"));
        assert!(
            parse_item("product_id:13|quantity:1", true).unwrap_err().contains("names no item")
        );
        assert!(parse_item("name:Mug|quantity:0", true).unwrap_err().contains("1,000,000"));
    }

    #[test]
    fn fees_split_where_a_new_name_starts() {
        assert_eq!(
            fee_items("name:Gift Wrap|total:1.00;name:Handling; extra|total:2.00"),
            ["name:Gift Wrap|total:1.00", "name:Handling; extra|total:2.00"]
        );
        assert!(fee_items("").is_empty());
    }

    #[test]
    fn statuses_say_payment_and_whether_the_shop_is_done() {
        assert_eq!(status_meaning("processing"), Some((PaymentStatus::Paid, None)));
        assert_eq!(status_meaning("completed").unwrap().1.unwrap().0, OrderStatus::Shipped);
        assert_eq!(status_meaning("refunded").unwrap().1.unwrap().0, OrderStatus::Cancelled);
        assert_eq!(status_meaning("awaiting-shipment"), None);
    }
}
