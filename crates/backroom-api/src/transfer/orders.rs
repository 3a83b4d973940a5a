//! The orders file: one row per order line; rows with the same `number` form one order.
//!
//! ```text
//! number,placed_at,ship_by,customer_name,customer_email,customer_phone,ship_name,ship_address1,ship_address2,ship_city,ship_region,ship_postal_code,ship_country,billing_country,payment_status,priority,sku,qty,unit_price,gift_message,carrier,service
//! 1001,2026-11-23,2026-11-25,Ada Lee,ada@example.com,,Ada Lee,1 High St,,Leeds,,LS1 1AA,GB,GB,paid,0,MUG-1,2,12.99,Happy birthday!,Royal Mail,Tracked 48
//! 1001,,,,,,,,,,,,,,,,PEN-1,1,,,,
//! ```
//!
//! - `number`, `sku` and `qty` are required; every other column may be left out or left empty.
//! - The order-level columns (everything but `sku`, `qty` and `unit_price`) are taken from the
//!   first row of each order; later rows of the order may repeat them or leave them empty.
//! - `placed_at` and `ship_by` are dates (`2026-11-23`) or RFC 3339 times; an empty `placed_at`
//!   is the time of the import.
//! - `payment_status` is one of `paid`, `pending`, `authorized`, `partially_paid`, `refunded`,
//!   `partially_refunded`, `failed`, `voided`, `declined` (spaces for underscores are fine);
//!   empty is `pending`.
//! - `priority` is a whole number, higher first; empty is 0.
//! - `gift_message` is printed on the packing slip, which then shows no prices.
//! - `carrier` and `service` say who collects the package and the service bought (`UPS`,
//!   `UPS Ground`). An empty carrier is the one the service names (`UPS Ground` is UPS), else
//!   the store's default carrier at close-out. A file without these columns, as exported before
//!   they existed, reads the same.
//! - `sku` is a SKU or any barcode of an existing product; `qty` a whole number of at least 1;
//!   `unit_price` an amount such as `12.99`, empty for the product's price.
//! - One order names a product on one row only. The same SKU twice in one order is an error on
//!   the second row, naming the first: a line repeated by mistake would otherwise ship twice
//!   the goods, and a real second line for the same product should be one line with the sum.
//!
//! An order whose number already exists (with or without a leading `#`) is not entered again:
//! only its payment status is brought up to date when the file gives one, which counts as an
//! update. A new order enters as `new`, exactly as `create_order` would enter it. Once the import
//! is kept, the orders it created or changed go through screening and allocation together.
//!
//! A shop's export ([`super::shopify`], [`super::woocommerce`], [`super::column_map`]) is read
//! into the same [`FileOrder`]s through [`super::shop`], and written by the same [`enter`].

use std::collections::HashMap;

use crate::store::{OptionalExtension, ToSql};
use backroom_core::order::{OrderStatus, PaymentStatus};
use backroom_core::screening::HoldRule;

use super::sheet::{CsvOut, Errors, Row, Sheet, cut, format_cents, parse_cents, parse_whole};
use super::{Counts, ImportReport, WriteFailure, found, refused, write_all, write_set};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::events::{Changed, Event};
use crate::orders::{self, Address, Customer, NewLine, NewOrder, holds};
use crate::table;

/// The columns, in the order export writes them.
pub const COLUMNS: [&str; 22] = [
    "number",
    "placed_at",
    "ship_by",
    "customer_name",
    "customer_email",
    "customer_phone",
    "ship_name",
    "ship_address1",
    "ship_address2",
    "ship_city",
    "ship_region",
    "ship_postal_code",
    "ship_country",
    "billing_country",
    "payment_status",
    "priority",
    "sku",
    "qty",
    "unit_price",
    "gift_message",
    "carrier",
    "service",
];

const REQUIRED: [&str; 3] = ["number", "sku", "qty"];

/// How the report names this format.
const FORMAT: &str = "generic orders";

/// Where this format keeps the values of an order line.
const LINE: LineColumns = LineColumns { sku: "sku", qty: "qty", unit_price: "unit_price" };

/// An order as a file gives it. Another shop's export format needs only its own way of filling
/// this in from its columns; checking the lines against the database and writing stay the same.
pub(super) struct FileOrder {
    /// The line of the order's first row.
    pub line: u64,
    pub order: NewOrder,
    /// The payment status the file gives, if it gives one.
    pub payment: Option<PaymentStatus>,
    /// What the customer was charged, shipping and taxes included, when the file says. It
    /// replaces the sum of the lines as the order's total, which screening weighs.
    pub total_cents: Option<i64>,
    /// The order's currency as the file gives it (`EUR`), empty when it does not.
    pub currency: String,
    /// When the shop has finished with the order, the status it enters as (cancelled, or
    /// shipped when the shop sent everything) and why. It is then never screened or picked.
    pub closed: Option<(OrderStatus, String)>,
    /// Whether the shop has cancelled the order. One that is already in Backroom and not yet
    /// picked is cancelled here too; one on the floor is pointed out in the report.
    pub cancelled: bool,
    /// Lines kept on the order as the shop wrote them but not picked here.
    pub shop_lines: Vec<ShopLine>,
    /// Why the order comes in held for a person to look at, besides a product not known: a
    /// status the shop's export gives that Backroom does not know.
    pub hold: Option<String>,
    /// The product of each of the order's lines, in their order, as found when the file was
    /// read: entering the order need not look each up again.
    pub products: Vec<i64>,
}

impl FileOrder {
    /// An order to enter as given, whose lines are still to be added.
    pub fn new(line: u64, order: NewOrder, payment: Option<PaymentStatus>) -> FileOrder {
        FileOrder {
            line,
            order,
            payment,
            total_cents: None,
            currency: String::new(),
            closed: None,
            cancelled: false,
            shop_lines: Vec::new(),
            hold: None,
            products: Vec::new(),
        }
    }

    /// Whether a line names a product Backroom does not know, which holds the order.
    pub fn has_unknown(&self) -> bool {
        self.shop_lines.iter().any(|l| l.kind == ShopLineKind::Unknown)
    }
}

/// Why a line of a shop's order is kept as written rather than picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ShopLineKind {
    /// A tip, gift card or gift wrap.
    NoShipping,
    /// The shop has sent it already.
    Fulfilled,
    /// The order was cancelled, refunded or voided in the shop.
    Cancelled,
    /// Names no product Backroom knows; the order is held until a manager maps it.
    Unknown,
}

impl ShopLineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ShopLineKind::NoShipping => "no_shipping",
            ShopLineKind::Fulfilled => "fulfilled",
            ShopLineKind::Cancelled => "cancelled",
            ShopLineKind::Unknown => "unknown",
        }
    }
}

/// A line of a shop's order kept as the shop wrote it (see [`ShopLineKind`]).
#[derive(Debug, Clone)]
pub(super) struct ShopLine {
    pub kind: ShopLineKind,
    pub name: String,
    pub sku: String,
    pub qty: i64,
    pub unit_price_cents: i64,
    /// The product the line names, when Backroom knows it: a line the shop has sent is still
    /// demand, which planning counts.
    pub product: Option<i64>,
}

/// The reason on the hold of an order with a line naming no known product; `map_unknown_line`
/// clears holds whose reason starts so.
pub const PRODUCT_NOT_KNOWN: &str = "product not known";

/// The columns that hold an order line's product, quantity and price, as a format names them.
pub(super) struct LineColumns {
    pub sku: &'static str,
    pub qty: &'static str,
    pub unit_price: &'static str,
}

/// An order line whose values have been checked, and the product it names.
pub(super) struct FileLine {
    line: NewLine,
    product: i64,
}

/// The orders of a file as its rows are read, grouped by number, with the checks every format
/// makes of an order line: a known product, a quantity of at least 1, a price, and no product
/// twice in one order.
#[derive(Default)]
pub(super) struct Intake {
    pub orders: Vec<FileOrder>,
    /// By number without a leading `#`, the same way an existing order is found.
    by_number: HashMap<String, usize>,
    /// Products by the code a row names them with, `None` when no product has it. A file names
    /// the same few hundred products again and again, so each is looked up once.
    products: HashMap<String, Option<i64>>,
    /// The line of the row that first named a product in an order (by its index).
    named: HashMap<(usize, i64), u64>,
}

impl Intake {
    /// The order with this number, if an earlier row began it.
    pub fn find(&self, number: &str) -> Option<usize> {
        self.by_number.get(number.trim().trim_start_matches('#')).copied()
    }

    /// Adds an order the file has not had before, returning its index.
    pub fn begin(&mut self, order: FileOrder) -> usize {
        let key = order.order.number.trim().trim_start_matches('#').to_owned();
        self.orders.push(order);
        self.by_number.insert(key, self.orders.len() - 1);
        self.orders.len() - 1
    }

    /// Checks the line values of a row: the product, quantity and price. Returns the line when
    /// all are right; every one that is not is an error on its column.
    pub fn check_line(
        &mut self,
        ctx: &Ctx<'_>,
        sheet: &Sheet,
        row: &Row,
        columns: &LineColumns,
        errors: &mut Errors,
    ) -> Result<Option<FileLine>, ApiError> {
        let before = errors.len();
        let sku = sheet.get(row, columns.sku);
        let product = if sku.is_empty() {
            None
        } else {
            match self.products.get(sku) {
                Some(&product) => product,
                None => {
                    let product = lookup_product(ctx, sku)?;
                    self.products.insert(sku.to_owned(), product);
                    product
                }
            }
        };
        let mut fail =
            |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
        if sku.is_empty() {
            fail(
                columns.sku,
                "the SKU is empty; every row is one line of an order and names its product".into(),
            );
        } else if product.is_none() {
            fail(
                columns.sku,
                format!(
                    "no product has the SKU or barcode “{}”; import or create the product first",
                    cut(sku)
                ),
            );
        }
        let qty = match parse_whole(sheet.get(row, columns.qty), columns.qty) {
            Ok(qty) if qty >= 1 => qty,
            Ok(qty) => {
                fail(
                    columns.qty,
                    format!("{} {qty} is too small; an order line needs at least 1", columns.qty),
                );
                0
            }
            Err(reason) => {
                fail(columns.qty, reason);
                0
            }
        };
        let unit_price_cents = match sheet.get(row, columns.unit_price) {
            "" => None,
            text => match parse_cents(text) {
                Ok(cents) => Some(cents),
                Err(reason) => {
                    fail(columns.unit_price, reason);
                    None
                }
            },
        };
        Ok(product.filter(|_| errors.len() == before).map(|product| FileLine {
            line: NewLine { product: sku.to_owned(), qty, unit_price_cents },
            product,
        }))
    }

    /// Adds a checked line to the order at `index`, unless the order already has its product:
    /// that is an error on this row, naming the row that has it.
    pub fn add_line(
        &mut self,
        index: usize,
        sheet: &Sheet,
        row: &Row,
        columns: &LineColumns,
        line: FileLine,
        errors: &mut Errors,
    ) {
        if let Some(first) = self.named.get(&(index, line.product)) {
            errors.add(
                row.line,
                sheet.column(columns.sku),
                format!(
                    "line {} repeats SKU {} of order {} from line {first}; put the whole \
                     quantity on one line",
                    row.line,
                    cut(&line.line.product),
                    cut(&self.orders[index].order.number)
                ),
            );
            return;
        }
        self.named.insert((index, line.product), row.line);
        self.orders[index].products.push(line.product);
        self.orders[index].order.lines.push(line.line);
    }
}

/// The product a row's code names, by SKU or barcode, as `catalog::resolve` finds it.
fn lookup_product(ctx: &Ctx<'_>, code: &str) -> Result<Option<i64>, ApiError> {
    let mut stmt = ctx.tx.prepare_cached(
        "SELECT id FROM products WHERE sku = ?1
         UNION ALL SELECT product_id FROM barcodes WHERE code = ?1 LIMIT 1",
    )?;
    Ok(stmt.query_row([code], |r| r.get(0)).optional()?)
}

pub(super) fn import(
    ctx: &mut Ctx<'_>,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    let mut errors = Errors::default();
    let sheet = Sheet::read(text, "orders", &COLUMNS, &REQUIRED, &mut errors);
    if !sheet.header_ok {
        return Ok(refused(FORMAT, sheet.records, errors));
    }
    let mut intake = Intake::default();
    for row in &sheet.rows {
        let line = intake.check_line(ctx, &sheet, row, &LINE, &mut errors)?;
        let number = sheet.get(row, "number");
        if number.is_empty() {
            errors.add(
                row.line,
                sheet.column("number"),
                "the order number is empty; every row needs the number of its order",
            );
            continue;
        }
        let index = match intake.find(number) {
            Some(index) => index,
            None => intake.begin(parse_order(&sheet, row, &mut errors)),
        };
        if let Some(line) = line {
            intake.add_line(index, &sheet, row, &LINE, line, &mut errors);
        }
    }
    enter(ctx, FORMAT, sheet.records, errors, dry_run, &intake.orders)
}

/// Reads the order-level columns of an order's first row, reporting each value that is wrong.
fn parse_order(sheet: &Sheet, row: &Row, errors: &mut Errors) -> FileOrder {
    let mut fail =
        |column: &str, reason: String| errors.add(row.line, sheet.column(column), reason);
    let get = |column: &str| sheet.get(row, column).to_owned();
    let mut time = |column: &str| {
        let text = sheet.get(row, column);
        if text.is_empty() {
            return None;
        }
        if orders::normalise_time(text).is_none() {
            fail(
                column,
                format!(
                    "“{}” is not a date; write it like 2026-11-23 or 2026-11-23T14:05:00Z",
                    cut(text)
                ),
            );
        }
        Some(text.to_owned())
    };
    let placed_at = time("placed_at");
    let ship_by = time("ship_by");
    let payment = match sheet.get(row, "payment_status") {
        "" => None,
        text => parse_payment(text).map_err(|reason| fail("payment_status", reason)).ok(),
    };
    let priority = match sheet.get(row, "priority") {
        "" => 0,
        text => parse_whole(text, "priority").unwrap_or_else(|reason| {
            fail("priority", reason);
            0
        }),
    };
    let order = NewOrder {
        number: get("number"),
        customer: Customer {
            name: get("customer_name"),
            email: get("customer_email"),
            phone: get("customer_phone"),
        },
        ship_to: Address {
            name: get("ship_name"),
            address1: get("ship_address1"),
            address2: get("ship_address2"),
            city: get("ship_city"),
            region: get("ship_region"),
            postal_code: get("ship_postal_code"),
            country: get("ship_country"),
        },
        billing_country: get("billing_country"),
        placed_at,
        ship_by,
        payment_status: payment.unwrap_or(PaymentStatus::Pending),
        priority,
        gift_message: get("gift_message"),
        backorder_policy: None,
        carrier: Some(get("carrier")).filter(|c| !c.is_empty()),
        service: Some(get("service")).filter(|s| !s.is_empty()),
        lines: Vec::new(),
    };
    FileOrder::new(row.line, order, payment)
}

/// Reads a payment status as shops write it (`paid`, `Partially Paid`, `partially_refunded`).
pub(super) fn parse_payment(text: &str) -> Result<PaymentStatus, String> {
    PaymentStatus::parse(text).ok_or_else(|| {
        let known: Vec<&str> = PaymentStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!("payment status “{}” is unknown; use one of {}", cut(text), known.join(", "))
    })
}

/// Writes the orders of a file whose rows have all been checked (or reports `errors`), then,
/// if the import is kept, sends every order it created or changed on to screening and
/// allocation in one go.
pub(super) fn enter(
    ctx: &mut Ctx<'_>,
    format: &str,
    rows: u32,
    errors: Errors,
    dry_run: bool,
    file_orders: &[FileOrder],
) -> Result<ImportReport, ApiError> {
    let written = write_all(ctx, format, rows, errors, dry_run, |ctx| write(ctx, file_orders))?;
    if let Some(entered) = written.kept {
        for (_, number, status) in &entered.screened {
            if *status != OrderStatus::New {
                ctx.emit(Event::OrderChanged { number: number.clone(), status: *status });
            }
        }
        let released: Vec<i64> = entered
            .screened
            .iter()
            .filter(|(_, _, status)| *status == OrderStatus::Released)
            .map(|&(id, _, _)| id)
            .collect();
        orders::after_entry(ctx, &entered.changed, &released)?;
        if written.report.created + written.report.updated > 0 {
            ctx.emit(Event::DataChanged { what: Changed::Orders });
        }
    }
    Ok(written.report)
}

/// Enters the new orders and brings existing ones up to date: their payment status, and a
/// cancellation the shop made before the order was picked here.
fn write(ctx: &mut Ctx<'_>, file_orders: &[FileOrder]) -> Result<Counts, WriteFailure> {
    let mut counts = Counts::default();
    let (mut held, mut closed, mut kept_lines, mut existing_orders) = (0u32, 0u32, 0u32, 0u32);
    let known = known_numbers(ctx, file_orders.len()).map_err(WriteFailure::at(1))?;
    let mut entering = Entering::default();
    for file_order in file_orders {
        let at = || WriteFailure::at(file_order.line);
        // The number as the notes quote it.
        let number = cut(&file_order.order.number);
        let existing = match &known {
            Some(known) => known.get(numbered(&file_order.order.number)).copied(),
            None => found(orders::order_id(ctx, &file_order.order.number)).map_err(at())?,
        };
        let Some(id) = existing else {
            entering.add(ctx, file_order).map_err(at())?;
            if entering.files.len() == ENTERED_AT_ONCE {
                counts.entered.screened.extend(entering.store(ctx)?);
            }
            counts.created += 1;
            kept_lines += file_order.shop_lines.len() as u32;
            if file_order.closed.is_some() {
                closed += 1;
            } else if file_order.has_unknown() || file_order.hold.is_some() {
                // Held until a manager maps the line; the store's rules screen it when that
                // hold clears, so the held list shows first what must be done first.
                if file_order.has_unknown() {
                    held += 1;
                }
                if let Some(why) = &file_order.hold {
                    counts.note(format!("order {number} is held: {why}"));
                }
            }
            continue;
        };
        existing_orders += 1;
        let status = orders::status_of(ctx, id).map_err(at())?;
        if file_order.cancelled {
            if matches!(
                status,
                OrderStatus::New
                    | OrderStatus::Held
                    | OrderStatus::Released
                    | OrderStatus::Allocated
            ) {
                crate::orders::holds::cancel(ctx, id, status, "cancelled in the shop (import)")
                    .map_err(at())?;
                if let Some(payment) = file_order.payment {
                    table::orders::set_payment_status(ctx, id, payment).map_err(at())?;
                }
                counts.updated += 1;
                counts.note(format!("order {number} was cancelled in the shop; cancelled here"));
                continue;
            }
            if !matches!(status, OrderStatus::Shipped | OrderStatus::Cancelled) {
                counts.note(format!(
                    "order {number} is cancelled in the shop but is {} in Backroom; cancel it \
                     here too unless it has already left",
                    status.as_str()
                ));
            }
        }
        let Some(payment) = file_order.payment else { continue };
        if matches!(status, OrderStatus::Shipped | OrderStatus::Cancelled) {
            continue;
        }
        if table::orders::set_payment_status(ctx, id, payment).map_err(at())? {
            counts.updated += 1;
            counts.entered.changed.push(id);
        }
    }
    counts.entered.screened.extend(entering.store(ctx)?);
    // Every update is of an order already here, so the rest of those are unchanged. Saying so
    // shows a re-import changed nothing, and a second shop whose order numbers clash with the
    // first is seen rather than silently matched.
    let unchanged = existing_orders - counts.updated;
    if unchanged > 0 {
        counts.note(format!(
            "{unchanged} orders of the file are already in Backroom under the same numbers and \
             were left as they are"
        ));
    }
    if held > 0 {
        counts.note(format!(
            "{held} orders are held: a line names a product Backroom does not know ({}); map \
             each line to a product with map_unknown_line and the hold clears",
            PRODUCT_NOT_KNOWN
        ));
    }
    if closed > 0 {
        counts.note(format!(
            "{closed} orders the shop had finished with (cancelled, refunded, voided or sent) \
             entered as cancelled or shipped, for the record; nothing is picked for them"
        ));
    }
    if kept_lines > 0 {
        counts.note(format!(
            "{kept_lines} lines are kept on their orders as the shop wrote them but not picked: \
             they need no shipping, were sent by the shop, belong to a cancelled order, or name \
             a product not known yet"
        ));
    }
    Ok(counts)
}

/// An order number as orders are matched: without spaces around it or a leading `#`.
fn numbered(number: &str) -> &str {
    number.trim().trim_start_matches('#')
}

/// Every order already in Backroom by [`numbered`] number, read in one go when a file has
/// more orders than one lookup each would be worth; `None` for a small file.
fn known_numbers(ctx: &Ctx<'_>, orders: usize) -> Result<Option<HashMap<String, i64>>, ApiError> {
    if orders < 1000 {
        return Ok(None);
    }
    let mut stmt = ctx.tx.prepare("SELECT number, id FROM orders")?;
    let known = stmt
        .query_map([], |r| Ok((numbered(&r.get::<_, String>(0)?).to_owned(), r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Some(known))
}

/// How many new orders of a file are stored at once.
const ENTERED_AT_ONCE: usize = 1000;

/// New orders of a file, checked and waiting to be stored a set at a time: on PostgreSQL a
/// statement per order would be a round trip per order.
#[derive(Default)]
struct Entering<'f> {
    files: Vec<&'f FileOrder>,
    checked: Vec<orders::Checked<'f>>,
    /// The holds each order enters with, one per reason: (rule, reason).
    holds: Vec<Vec<(&'static str, String)>>,
}

impl<'f> Entering<'f> {
    /// Checks a new order and keeps it to be stored: its status is `held` when a line names
    /// no known product or the shop's export asks for a hold, or what the shop finished it as.
    fn add(&mut self, ctx: &Ctx<'_>, file_order: &'f FileOrder) -> Result<(), ApiError> {
        let unknown: Vec<String> = file_order
            .shop_lines
            .iter()
            .filter(|l| l.kind == ShopLineKind::Unknown)
            .map(|l| format!("“{}”", cut(if l.name.is_empty() { &l.sku } else { &l.name })))
            .collect();
        let mut holds = Vec::new();
        if !unknown.is_empty() {
            holds.push(format!("{PRODUCT_NOT_KNOWN}: {}", unknown.join(", ")));
        }
        holds.extend(file_order.hold.clone());
        let held = holds.join("; ");
        let (status, reason) = match &file_order.closed {
            Some((status, why)) => (*status, why.as_str()),
            None if !holds.is_empty() => (OrderStatus::Held, held.as_str()),
            None => (OrderStatus::New, "entered"),
        };
        let entry = orders::Entry {
            status,
            reason,
            total_cents: file_order.total_cents,
            currency: &file_order.currency,
            products: &file_order.products,
        };
        self.checked.push(orders::check(ctx, &file_order.order, &entry)?);
        self.files.push(file_order);
        let manual = |reason| (HoldRule::Manual.as_str(), reason);
        self.holds.push(if status == OrderStatus::Held {
            holds.into_iter().map(manual).collect()
        } else {
            Vec::new()
        });
        Ok(())
    }

    /// Screens the orders kept so far and stores them; returns those screened (the ones that
    /// go to the floor: not held, not finished by the shop) with their number and the status
    /// screening gave them. Should the set fail, it is stored again order by order, so the
    /// error names the order's row in the file.
    fn store(&mut self, ctx: &Ctx<'_>) -> Result<Vec<(i64, String, OrderStatus)>, WriteFailure> {
        if self.files.is_empty() {
            return Ok(Vec::new());
        }
        let first = self.files[0].line;
        // Screening looks at the orders entering `new`; the file decided about the others.
        let screened: Vec<bool> =
            self.checked.iter().map(|c| c.status() == OrderStatus::New).collect();
        let failed =
            holds::screen_entering(ctx, &mut self.checked).map_err(WriteFailure::at(first))?;
        for (holds, failed) in self.holds.iter_mut().zip(failed) {
            holds.extend(failed.into_iter().map(|h| (h.rule.as_str(), h.reason)));
        }
        let ids = write_set(
            ctx,
            first,
            || self.store_range(ctx, 0..self.files.len()),
            || {
                let mut ids = Vec::new();
                for i in 0..self.files.len() {
                    let one = self.store_range(ctx, i..i + 1);
                    ids.extend(one.map_err(WriteFailure::at(self.files[i].line))?);
                }
                Ok(ids)
            },
        )?;
        let entered = self
            .checked
            .iter()
            .zip(&ids)
            .zip(screened)
            .filter(|(_, screened)| *screened)
            .map(|((checked, &id), _)| (id, checked.number().to_owned(), checked.status()))
            .collect();
        self.files.clear();
        self.checked.clear();
        self.holds.clear();
        Ok(entered)
    }

    /// Stores the orders in `range` with the lines kept as the shop wrote them and their
    /// holds; returns their ids.
    fn store_range(
        &self,
        ctx: &Ctx<'_>,
        range: std::ops::Range<usize>,
    ) -> Result<Vec<i64>, ApiError> {
        let ids = orders::store(ctx, &self.checked[range.clone()])?;
        let files = &self.files[range.clone()];
        // Shop lines are numbered after the lines to pick.
        let mut numbered = Vec::new();
        for (file_order, &id) in files.iter().zip(&ids) {
            let first = file_order.order.lines.len() as i64 + 1;
            for (line, no) in file_order.shop_lines.iter().zip(first..) {
                numbered.push((id, no, line.kind.as_str(), line));
            }
        }
        let values: Vec<&dyn ToSql> = numbered
            .iter()
            .flat_map(|(id, no, kind, line)| {
                [
                    id as &dyn ToSql,
                    no,
                    kind,
                    &line.name,
                    &line.sku,
                    &line.qty,
                    &line.unit_price_cents,
                    &line.product,
                ]
            })
            .collect();
        ctx.tx.insert_rows(
            "order_shop_lines (order_id, line_no, kind, name, sku, qty, unit_price_cents, product_id)",
            8,
            &values,
        )?;
        // One hold per reason: mapping the unknown lines clears theirs alone.
        let opened: Vec<(i64, &str, &str)> = self.holds[range]
            .iter()
            .zip(&ids)
            .flat_map(|(holds, &id)| {
                holds.iter().map(move |(rule, reason)| (id, *rule, reason.as_str()))
            })
            .collect();
        holds::open_on_entry(ctx, &opened)?;
        Ok(ids)
    }
}

/// Every order line as a row of the import format. Customers' email and phone are left empty
/// unless a manager exports: the floor has no need to reach customers.
pub(super) fn export(ctx: &Ctx<'_>) -> Result<String, ApiError> {
    let contact_details = crate::orders::sees_contact_details(ctx);
    let mut out = CsvOut::new(&COLUMNS)?;
    let mut stmt = ctx.tx.prepare(
        "SELECT o.number, o.placed_at, coalesce(o.ship_by, ''), o.customer_name, o.customer_email,
                o.customer_phone, o.ship_name, o.ship_address1, o.ship_address2, o.ship_city,
                o.ship_region, o.ship_postal_code, o.ship_country, o.billing_country,
                o.payment_status, o.priority, p.sku, ol.qty, ol.unit_price_cents, o.gift_message,
                coalesce(o.carrier, ''), coalesce(o.service, '')
         FROM orders o
         JOIN order_lines ol ON ol.order_id = o.id
         JOIN products p ON p.id = ol.product_id
         ORDER BY o.id, ol.line_no",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut record: Vec<String> = (0..15).map(|i| r.get(i)).collect::<Result<_, _>>()?;
        if !contact_details {
            // The email and phone columns.
            record[4].clear();
            record[5].clear();
        }
        record.push(r.get::<_, i64>(15)?.to_string());
        record.push(r.get(16)?);
        record.push(r.get::<_, i64>(17)?.to_string());
        record.push(format_cents(r.get(18)?));
        for column in 19..22 {
            record.push(r.get(column)?);
        }
        out.row(record)?;
    }
    out.finish()
}
