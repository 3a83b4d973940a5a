//! The one command surface. Each command is declared once below as `name(Req) -> Res`, with who
//! may run it and the function that does it. The Tauri shell, the HTTP server, the CLI and the
//! TypeScript types all read this list, so they cannot drift apart.

use backroom_core::people::{Access, Role};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ts_rs::TS;

use crate::context::{Actor, Ctx, forbidden};
use crate::error::{ApiError, ErrorCode};
use crate::{
    admin::people, admin::settings, admin::system, devices::slip, floor::picking, floor::shipping,
    inventory::catalog, inventory::stock, inventory::warehouse, orders, orders::allocation,
    orders::holds, transfer,
};

/// One entry of the command list.
pub struct CommandInfo {
    pub name: &'static str,
    pub doc: &'static str,
    pub access: Access,
    /// Why the command is open to whom it is open to, in one line.
    pub access_reason: &'static str,
    /// Whether the command only reads the database or may write to it.
    pub kind: Kind,
    pub(crate) run: fn(&mut Ctx<'_>, Value) -> Result<Value, ApiError>,
    /// TypeScript names of the request and response types.
    pub(crate) ts_names: fn(&ts_rs::Config) -> (String, String),
    /// Writes the TypeScript declarations of the request and response types (and theirs).
    pub(crate) ts_export: fn(&ts_rs::Config) -> Result<(), ts_rs::ExportError>,
}

/// What a command does to the database: reads see a snapshot and never wait for a writer;
/// writes take the one writer in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Read,
    Write,
}

const READ: Kind = Kind::Read;
const WRITE: Kind = Kind::Write;

const OPEN: Access = Access::Open;
const MANAGER: Access = Access::Roles(&[Role::Manager]);
const FLOOR: Access = Access::SignedIn;
const PICKER: Access = Access::Roles(&[Role::Picker]);
const PACKER: Access = Access::Roles(&[Role::Packer]);
const STATION: Access = Access::Station;

macro_rules! commands {
    ($( $(#[doc = $doc:literal])* $name:ident($req:ty) -> $res:ty, $access:tt $kind:tt $why:literal => $handler:path; )*) => {
        /// Every command, in the order declared.
        pub static COMMANDS: &[CommandInfo] = &[$(
            CommandInfo {
                name: stringify!($name),
                doc: concat!($($doc),*),
                access: $access,
                access_reason: $why,
                kind: $kind,
                run: |ctx, json| {
                    let req: $req = decode(stringify!($name), json)?;
                    let res: $res = $handler(ctx, req)?;
                    encode(&res)
                },
                ts_names: |cfg| (<$req as TS>::name(cfg), <$res as TS>::name(cfg)),
                ts_export: |cfg| {
                    export_with_dependencies::<$req>(cfg)?;
                    export_with_dependencies::<$res>(cfg)
                },
            },
        )*];
    };
}

commands! {
    /// Liveness and versions; also says whether the database is still empty.
    health(crate::context::NoArgs) -> system::Health, OPEN READ "a station must learn whether the server is up before anyone signs in" => system::health;
    /// Stations an operator can sign in at.
    list_stations(crate::context::NoArgs) -> Vec<people::Station>, OPEN READ "the sign-in screen offers the stations to choose from" => people::list_stations;
    /// Signs an operator in at a station by badge barcode or PIN.
    sign_in(people::SignIn) -> people::Session, OPEN WRITE "signing in is how a caller gets rights; wrong tries are counted and locked out" => people::sign_in;
    /// Ends this station's session.
    sign_out(crate::context::NoArgs) -> crate::context::Done, FLOOR WRITE "anyone ends their own session" => people::sign_out;
    /// The operator and station of this session.
    whoami(crate::context::NoArgs) -> people::Session, FLOOR READ "anyone sees who is signed in at their station" => people::whoami;
    /// Sets the language of the signed-in operator's screens.
    set_my_language(people::MyLanguage) -> people::Operator, FLOOR WRITE "anyone chooses the language of their own screens at the bench" => people::set_my_language;
    /// Operators, for a manager.
    list_operators(crate::context::NoArgs) -> Vec<people::Operator>, MANAGER READ "badges are credentials; only a manager sees them" => people::list_operators;
    /// Creates or updates an operator (matched by `id`, or new when absent).
    save_operator(people::SaveOperator) -> people::Operator, MANAGER WRITE "creating people and roles is a manager's decision" => people::save_operator;
    /// Creates or updates a station and its scale and printer settings (matched by name).
    save_station(people::Station) -> people::Station, MANAGER WRITE "a station's scale and printer decide where verdicts and slips come from" => people::save_station;
    /// Makes a one-time code, valid ten minutes, that pairs a station on another machine with this host (creating the station if needed).
    create_pairing_code(crate::admin::stations::NewPairingCode) -> crate::admin::stations::PairingCode, MANAGER WRITE "a paired station acts for the warehouse; only a manager lets one in" => crate::admin::stations::create_pairing_code;
    /// Spends a pairing code and gives the new station its station key.
    pair_station(crate::admin::stations::PairStation) -> crate::admin::stations::Paired, OPEN WRITE "a new station has no key and nobody signed in yet; wrong codes are counted and locked out like PINs" => crate::admin::stations::pair_station;
    /// Revokes a station's key; requests with it are refused from now on.
    revoke_station(crate::admin::stations::StationRef) -> crate::context::Done, MANAGER WRITE "shutting a station out is a manager's decision" => crate::admin::stations::revoke_station;
    /// The keys handed to stations: when paired, last seen, revoked.
    list_paired_stations(crate::context::NoArgs) -> Vec<crate::admin::stations::PairedStation>, MANAGER READ "which machines hold keys is a manager's view" => crate::admin::stations::list_paired_stations;

    /// Searches products by SKU, name or barcode, with stock totals.
    search_products(catalog::ProductQuery) -> catalog::ProductPage, FLOOR READ "every role looks products up on the floor" => catalog::search_products;
    /// Finds one product by exact SKU or any of its barcodes, with stock per location.
    lookup_product(catalog::Lookup) -> catalog::ProductStock, FLOOR READ "every role scans products and bins on the floor" => catalog::lookup_product;
    /// Creates a product or updates the one with this SKU.
    save_product(catalog::SaveProduct) -> catalog::Product, MANAGER WRITE "weights and prices feed the audit and the slips" => catalog::save_product;
    /// A product's picture: its cached name, or with `inline` the picture itself; none when it has none.
    product_image(crate::inventory::images::ImageQuery) -> crate::inventory::images::ProductImage, FLOOR READ "pickers and packers see the product they hold" => crate::inventory::images::product_image;
    /// Sets a product's picture from uploaded bytes, a file or a web address (fetched afterwards), or takes it away.
    set_product_image(crate::inventory::images::SetProductImage) -> crate::inventory::images::ProductImage, MANAGER WRITE "the picture tells pickers which variant is right" => crate::inventory::images::set_product_image;
    /// Pictures whose web address or file is still to be read (with `retry_failed`, also those that failed).
    images_to_fetch(crate::inventory::images::FetchQuery) -> Vec<crate::inventory::images::ImageToFetch>, MANAGER READ "fetching runs on the machine with the database, as its manager" => crate::inventory::images::images_to_fetch;
    /// Records what fetching a product's picture gave: the cached picture or why there is none.
    record_image_fetch(crate::inventory::images::ImageFetched) -> crate::inventory::images::ProductImage, MANAGER WRITE "fetching runs on the machine with the database, as its manager" => crate::inventory::images::record_image_fetch;

    /// The warehouse layout, if one is set.
    get_layout(crate::context::NoArgs) -> warehouse::LayoutInfo, FLOOR READ "pickers walk the map" => warehouse::get_layout;
    /// Sets the layout and generates its bins; bins keep their stock when the layout grows.
    set_layout(warehouse::SetLayout) -> warehouse::LayoutInfo, MANAGER WRITE "the layout decides bins and routes" => warehouse::set_layout;
    /// Locations: bins and non-pick areas.
    list_locations(warehouse::LocationQuery) -> Vec<warehouse::Location>, FLOOR READ "every role scans bins and areas" => warehouse::list_locations;
    /// Creates or renames a non-pick area (receiving, packing, shipping, quarantine, returns).
    save_area(warehouse::SaveArea) -> warehouse::Location, MANAGER WRITE "areas decide where stock may go" => warehouse::save_area;

    /// Records one stock movement; the only way stock changes.
    record_movement(stock::NewMovement) -> stock::Movement, MANAGER WRITE "raw adjustments, transfers and scrap change stock without an order: a manager's call with a reason" => stock::record_movement;
    /// Movements, newest first, optionally of one product or location.
    list_movements(stock::MovementQuery) -> Vec<stock::Movement>, FLOOR READ "the floor traces where stock went; no customer data in it" => stock::list_movements;
    /// What a bin or area holds, product by product, with reserved and available.
    stock_in_location(stock::LocationRef) -> stock::LocationStock, FLOOR READ "the floor checks what a bin holds" => stock::stock_in_location;
    /// Checks the ledger: on-hand equals the movements, nothing negative, no over-reservation.
    check_ledger(crate::context::NoArgs) -> stock::LedgerReport, MANAGER READ "the full ledger check is the manager's view of the books" => stock::check_ledger;

    /// Orders with status and filters.
    list_orders(orders::OrderQuery) -> orders::OrderPage, FLOOR READ "the floor finds orders to work; names and numbers only" => orders::list_orders;
    /// One order with its lines and status history.
    get_order(orders::OrderRef) -> orders::Order, FLOOR READ "the floor works orders; email and phone are kept to managers" => orders::get_order;
    /// Enters an order by hand.
    create_order(orders::NewOrder) -> orders::Order, MANAGER WRITE "entering orders by hand bypasses the shop" => orders::create_order;
    /// Moves an order along its lifecycle; holds, releases and cancels are for managers.
    change_order_status(orders::StatusChange) -> orders::Order, FLOOR WRITE "only manual moves; each keeps its own role rule (OrderStatus::is_manual, roles_for)" => orders::change_order_status;
    /// Held orders with their reasons and the customer's contact details.
    list_holds(holds::HoldQuery) -> Vec<holds::HeldOrder>, MANAGER READ "holds carry contact details and screening decisions" => holds::list_holds;
    /// Puts a manual hold on an order, giving back any stock it had reserved.
    hold_order(holds::HoldDecision) -> orders::Order, MANAGER WRITE "holding an order is a manager's decision" => holds::hold_order;
    /// Releases a held (or new) order over its holds, recording who and why, and allocates it.
    release_order(holds::HoldDecision) -> orders::Order, MANAGER WRITE "releasing over a hold is a manager's decision" => holds::release_order;
    /// Releases every new order that passes screening (a wave), holding those that fail.
    release_new_orders(crate::context::NoArgs) -> holds::Wave, MANAGER WRITE "a release wave is a manager's decision" => holds::release_new_orders;
    /// Cancels an order: its open quantities are cancelled and its stock goes to the next in line.
    cancel_order(holds::HoldDecision) -> orders::Order, MANAGER WRITE "cancelling is a manager's decision" => holds::cancel_order;
    /// Records that an order's payment was charged back; it counts in the customer's history.
    record_chargeback(holds::HoldDecision) -> orders::Order, MANAGER WRITE "chargebacks change how the customer is screened" => holds::record_chargeback;
    /// Reserves stock for every released order still waiting, in priority order.
    allocate(crate::context::NoArgs) -> allocation::AllocationSummary, MANAGER WRITE "allocation reorders who gets stock; managers run it by hand" => allocation::allocate;
    /// Picks reserved units of an order from a bin into the packing area.
    pick(picking::PickRequest) -> picking::PickResult, PICKER WRITE "picking takes reserved stock out of bins" => picking::pick;
    /// Reports a bin short while picking: the bin is counted, the order served from elsewhere.
    report_short(picking::ShortPick) -> picking::ShortResult, PICKER WRITE "a picker at the bin reports what is missing" => picking::report_short;
    /// Ships a packed order; a back order still open sends it back to wait for the rest.
    ship_order(orders::OrderRef) -> orders::Order, PACKER WRITE "packers hand packages to the carrier; only weighed ones ship" => shipping::ship_order;
    /// Groups allocated orders onto carts (one order per tote) to cut walking, as pick lists.
    plan_pick_lists(crate::floor::pick_lists::PlanPicks) -> crate::floor::pick_lists::PickPlan, MANAGER WRITE "a wave puts every allocated order on carts; a manager plans it" => crate::floor::pick_lists::plan_pick_lists;
    /// Gives the picker their next pick list: the one they hold, a waiting one, or one cart planned now.
    take_pick_list(crate::floor::pick_lists::TakePickList) -> crate::floor::pick_lists::PickListView, PICKER WRITE "a picker takes one cart of work for themselves" => crate::floor::pick_lists::take_pick_list;
    /// Pick lists, open and being picked unless a status is given.
    list_pick_lists(crate::floor::pick_lists::PickListQuery) -> Vec<crate::floor::pick_lists::PickListSummary>, FLOOR READ "the floor sees work in progress" => crate::floor::pick_lists::list_pick_lists;
    /// One pick list: its totes and its stops in walking order, with the layout for the map.
    get_pick_list(crate::floor::pick_lists::PickListRef) -> crate::floor::pick_lists::PickListView, FLOOR READ "the floor follows a pick list" => crate::floor::pick_lists::get_pick_list;

    // Inbound, counts and returns.
    /// Receives goods into receiving (or the area or bin named), against an expected receipt if named.
    receive(crate::floor::inbound::Receive) -> crate::floor::inbound::Received, FLOOR WRITE "any floor role unloads a delivery; quantities are bounded" => crate::floor::inbound::receive;
    /// Puts received goods away into a pick bin; waiting back orders get them at once.
    put_away(crate::floor::inbound::PutAway) -> crate::floor::inbound::PutAwayDone, FLOOR WRITE "any floor role puts received goods away" => crate::floor::inbound::put_away;
    /// Announces goods a supplier will deliver under a reference; sending it again updates those lines.
    expect_receipt(crate::floor::inbound::ExpectReceipt) -> crate::floor::inbound::ExpectedReceipt, MANAGER WRITE "purchase expectations are a manager's" => crate::floor::inbound::expect_receipt;
    /// Expected receipts still waiting for goods (or all), with what has arrived so far.
    list_expected_receipts(crate::floor::inbound::ExpectedQuery) -> Vec<crate::floor::inbound::ExpectedReceipt>, FLOOR READ "the receiving dock sees what is expected" => crate::floor::inbound::list_expected_receipts;
    /// Raises a blind count for each bin named or matching a code prefix, skipping bins already waiting.
    create_counts(crate::floor::counts::CreateCounts) -> crate::floor::counts::CountsCreated, MANAGER WRITE "raising counts is a manager's planning" => crate::floor::counts::create_counts;
    /// Count tasks; only a manager sees quantities, since the count is blind.
    list_counts(crate::floor::counts::CountQuery) -> Vec<crate::floor::counts::CountTask>, FLOOR READ "the floor counts; quantities are hidden, as the count is blind" => crate::floor::counts::list_counts;
    /// Submits one round of a bin's count and shows the variance; a large one asks for a recount.
    submit_count(crate::floor::counts::SubmitCount) -> crate::floor::counts::CountSubmitted, FLOOR WRITE "any floor role counts a bin" => crate::floor::counts::submit_count;
    /// Approves a count, posting its variances to the ledger, or rejects it with no movement.
    decide_count(crate::floor::counts::DecideCount) -> crate::floor::counts::CountDecided, MANAGER WRITE "approving a count changes stock" => crate::floor::counts::decide_count;
    /// Receives a customer's return against a shipped order: each item restocked, quarantined or scrapped.
    receive_return(crate::floor::returns::ReceiveReturn) -> crate::floor::returns::ReturnReceived, FLOOR WRITE "any floor role takes a return in; the order must have shipped" => crate::floor::returns::receive_return;
    /// Customer returns, newest first, optionally of one order.
    list_returns(crate::floor::returns::ReturnQuery) -> Vec<crate::floor::returns::CustomerReturn>, FLOOR READ "the floor sees returns; no contact details" => crate::floor::returns::list_returns;

    /// Imports products, orders or stock from CSV: all rows or none.
    import_csv(transfer::ImportRequest) -> transfer::ImportReport, MANAGER WRITE "an import writes products, orders and stock in bulk" => transfer::import_csv;
    /// Maps a shop's order line that named no known product to a product, on every order waiting with it; the name is remembered and the hold clears.
    map_unknown_line(transfer::mapping::MapUnknownLine) -> transfer::mapping::LineMapped, MANAGER WRITE "which product a shop's line is changes what is picked for every order naming it" => transfer::mapping::map_unknown_line;
    /// Saves a column mapping for a shop's orders file under its name, replacing one of the same name.
    save_import_mapping(transfer::column_map::ColumnMapping) -> transfer::column_map::SavedMapping, MANAGER WRITE "a mapping decides how every later file of that shop is read" => transfer::column_map::save_import_mapping;
    /// The saved column mappings, by name.
    list_import_mappings(crate::context::NoArgs) -> Vec<transfer::column_map::SavedMapping>, MANAGER READ "mappings serve imports, which are the manager's" => transfer::column_map::list_import_mappings;
    /// Exports products, stock or orders as CSV with a header row.
    export_csv(transfer::ExportRequest) -> transfer::ExportFile, FLOOR READ "any role exports; customers' email and phone only for managers" => transfer::export_csv;
    /// Fills an empty database with the demo warehouse.
    load_demo(crate::context::NoArgs) -> crate::admin::demo::DemoSummary, OPEN WRITE "first start only: its PINs are public, so only into a brand-new database" => system::load_demo;
    // Setting up a real warehouse from a station (setup.rs).
    /// Which setup steps the data shows done, the first not done, and whether to show the wizard.
    setup_progress(crate::context::NoArgs) -> crate::admin::setup::SetupProgress, OPEN READ "a station must learn whether to set up or sign in before anyone can; it says only which steps are done" => crate::admin::setup::setup_progress;
    /// Creates the first manager and signs them in at this terminal's station; only while there is no operator at all.
    create_first_manager(crate::admin::setup::FirstManager) -> people::Session, OPEN WRITE "a new warehouse has nobody to sign in as; refused once any operator exists" => crate::admin::setup::create_first_manager;
    /// Simple layouts of a few sizes to start from.
    layout_templates(crate::context::NoArgs) -> Vec<crate::admin::setup::LayoutTemplate>, MANAGER READ "only the manager setting up chooses a layout" => crate::admin::setup::layout_templates;
    /// Sets the layout and adds the receiving, packing, shipping, quarantine and returns areas it lacks.
    setup_layout(crate::admin::setup::SetupLayout) -> warehouse::LayoutInfo, MANAGER WRITE "the layout decides bins and routes" => crate::admin::setup::setup_layout;
    /// Ends setting up: stations go to Home from now on.
    finish_setup(crate::context::NoArgs) -> crate::admin::setup::SetupProgress, MANAGER WRITE "the manager setting up says when the warehouse is ready" => crate::admin::setup::finish_setup;

    /// Store-wide settings, every section with its defaults filled in.
    get_settings(crate::context::NoArgs) -> settings::Settings, MANAGER READ "settings include the security rules" => settings::get_settings;
    store_info(crate::context::NoArgs) -> settings::StoreSettings, FLOOR READ "every screen shows times in the store's zone and money in its currency" => settings::store_info;
    /// Saves the settings (every section); a slip logo that does not decode is refused.
    save_settings(settings::Settings) -> settings::Settings, MANAGER WRITE "settings change audit, screening and security rules; every change is logged" => settings::save_settings;
    /// One order's packing slip as a PDF (base64), for preview and download.
    slip_pdf(slip::SlipRequest) -> slip::SlipFile, FLOOR READ "packers and pickers print slips for the box" => slip::slip_pdf;
    /// The slips of several orders in one PDF, in the order given (a pick batch's pick order).
    slip_batch_pdf(slip::BatchSlipRequest) -> slip::SlipFile, FLOOR READ "pickers print a batch's slips in tote order" => slip::slip_batch_pdf;
    /// Prints an order's packing slip on a CUPS queue, this station's printer by default.
    print_slip(slip::PrintSlip) -> crate::devices::printing::Printed, FLOOR READ "the packing bench prints slips" => slip::print_slip;
    /// Bin, product or badge labels as a PDF (base64), for preview and download.
    labels_pdf(crate::devices::labels::LabelRequest) -> crate::devices::labels::LabelFile, FLOOR READ "pickers label bins and receivers label products; badges only for a manager" => crate::devices::labels::labels_pdf;
    /// Prints bin, product or badge labels on a CUPS queue, this station's printer by default.
    print_labels(crate::devices::labels::LabelRequest) -> crate::devices::printing::Printed, FLOOR READ "pickers label bins and receivers label products; badges only for a manager" => crate::devices::labels::print_labels;

    // Packing: boxes, the weight audit and its log.
    /// Box types with their barcode, tare and inner dimensions, smallest first.
    list_boxes(crate::floor::packing::BoxQuery) -> Vec<crate::floor::packing::PackBox>, FLOOR READ "packers scan boxes" => crate::floor::packing::list_boxes;
    /// Creates a box type or updates the one with this code.
    save_box(crate::floor::packing::SaveBox) -> crate::floor::packing::PackBox, MANAGER WRITE "box tares feed the audit" => crate::floor::packing::save_box;
    /// The boxes an order's items fit in, smallest first, or the SKUs whose dimensions are missing.
    suggest_box(crate::floor::packing::PackOrder) -> crate::floor::packing::BoxSuggestion, FLOOR READ "packers are told which box to use" => crate::floor::packing::suggest_box;
    /// What an order should weigh in a box: items, tare, allowance, the passing band, and SKUs without weight.
    expected_weight(crate::floor::packing::OrderInBox) -> crate::floor::packing::ExpectedWeight, FLOOR READ "packers see the passing band" => crate::floor::packing::expected_weight;
    // Manager reports
    /// The fill-rate family of the orders placed in a period, overall and broken down.
    fill_rates(crate::reports::fill_rates::FillRateQuery) -> crate::reports::fill_rates::FillRates, MANAGER READ "the manager's reports" => crate::reports::fill_rates::fill_rates;
    /// The orders behind one fill-rate number: those that fell short, and those that met it.
    fill_rate_orders(crate::reports::fill_rates::FillRateDrill) -> backroom_core::fill_rate::Drill, MANAGER READ "the manager's reports, with customers' orders" => crate::reports::fill_rates::fill_rate_orders;
    /// Every product's stock, days of cover and plan: safety stock, reorder point, a suggested purchase.
    stock_levels(crate::reports::planning::StockLevelQuery) -> crate::reports::planning::StockLevelPage, FLOOR READ "the floor sees stock and cover; no customer data" => crate::reports::planning::stock_levels;
    /// One product's projected fill rate, stock-outs and cover at several demand levels.
    what_if(crate::reports::planning::WhatIf) -> crate::reports::planning::WhatIfResult, MANAGER READ "planning is the manager's" => crate::reports::planning::what_if;
    /// Sets a product's supplier lead time, which its plan uses.
    set_lead_time(crate::reports::planning::SetLeadTime) -> crate::reports::planning::StockLevel, MANAGER WRITE "lead times drive purchase plans" => crate::reports::planning::set_lead_time;
    /// Fill-rate trend, back orders by age, audit failures by cause, throughput, stock-outs.
    dashboard(crate::reports::dashboard::DashboardQuery) -> crate::reports::dashboard::Dashboard, MANAGER READ "the manager's overview" => crate::reports::dashboard::dashboard;
    // -- End-of-day manifest (manifest.rs) --
    /// The packages packed today (a UTC day, or `date`), by carrier, not yet on a closed manifest.
    manifest(crate::reports::manifest::ManifestQuery) -> crate::reports::manifest::Manifest, FLOOR READ "packers see today's packages for the driver" => crate::reports::manifest::manifest;
    /// Closes out a carrier's open packages of the day onto a manifest, so they are not listed twice.
    close_manifest(crate::reports::manifest::CloseManifest) -> crate::reports::manifest::ClosedManifest, PACKER WRITE "closing out hands packages to the carrier" => crate::reports::manifest::close_manifest;
    /// Manifests closed so far, newest first.
    list_manifests(crate::reports::manifest::ManifestListQuery) -> Vec<crate::reports::manifest::ManifestSummary>, FLOOR READ "the floor sees closed manifests" => crate::reports::manifest::list_manifests;
    /// A closed manifest as a PDF for the driver to sign or a CSV for the carrier.
    manifest_file(crate::reports::manifest::ManifestFileRequest) -> crate::reports::manifest::ManifestFile, FLOOR READ "the driver's copy is printed at the bench" => crate::reports::manifest::manifest_file;
    // -- end of the manifest commands --
    /// This station and what its scale shows now (no status where no scale is watched).
    station_scale(crate::context::NoArgs) -> crate::devices::scales::StationScale, FLOOR READ "the bench shows its own scale" => crate::devices::scales::station_scale;
    /// Zeroes this station's scale (or asks for the key on the scale where it takes no command); writes nothing to the database.
    zero_scale(crate::context::NoArgs) -> crate::devices::scales::ScaleKey, FLOOR READ "anyone at a bench zeroes its own scale" => crate::devices::scales::zero_scale;
    /// Tares this station's scale with what is on it now (or asks for the key on the scale); writes nothing to the database.
    tare_scale(crate::context::NoArgs) -> crate::devices::scales::ScaleKey, FLOOR READ "anyone at a bench tares its own scale" => crate::devices::scales::tare_scale;
    /// Weighs a packed order and logs it; a pass packs the order, a fail says the likeliest cause.
    weigh(crate::floor::packing::Weigh) -> crate::floor::packing::Weighed, PACKER WRITE "the audit reads the station's own scale, never a screen's number" => crate::floor::packing::weigh;
    /// Packs an order over its last failed weighing, recording the approving manager and the reason.
    override_weighing(crate::floor::packing::OverrideWeighing) -> crate::floor::packing::Overridden, PACKER WRITE "a packer asks; the approving manager's badge or PIN is checked inside" => crate::floor::packing::override_weighing;
    /// The weighing log, newest first, optionally of one order or verdict.
    list_weighings(crate::floor::packing::WeighingQuery) -> Vec<crate::floor::packing::Weighing>, FLOOR READ "the audit log is open to the floor; no customer data" => crate::floor::packing::list_weighings;
    /// Products without a unit weight on open orders, which block those orders' weight audit.
    unweighed_products(crate::context::NoArgs) -> Vec<crate::floor::packing::UnweighedProduct>, MANAGER READ "missing weights are a catalogue task for a manager" => crate::floor::packing::unweighed_products;
    // -- Stations' devices, for the manager setting them up (scales.rs, printing.rs) --
    /// The USB scales and serial ports on the machine that runs Backroom, with the station using each.
    list_scale_ports(crate::context::NoArgs) -> Vec<crate::devices::scales::ScalePortFound>, MANAGER READ "choosing a station's scale is a manager's setup" => crate::devices::scales::list_scale_ports;
    /// Finds which protocol the scale on a port speaks and reads it once; holds no writer while it asks.
    detect_scale(crate::devices::scales::DetectScale) -> crate::devices::scales::DetectedScale, MANAGER READ "probing ports sends bytes to devices; a manager's setup" => crate::devices::scales::detect_scale;
    /// What a named station's scale shows now.
    read_station_scale(crate::admin::stations::StationRef) -> crate::devices::scales::StationScale, MANAGER READ "a manager checks any station's scale while setting it up" => crate::devices::scales::read_station_scale;
    /// The CUPS queues and their state, or why they cannot be listed.
    list_printers(crate::context::NoArgs) -> crate::devices::printing::Printers, MANAGER READ "choosing a station's printer is a manager's setup" => crate::devices::printing::list_printers;
    /// Prints a one-page test naming the station and its queue, on the store's slip paper.
    print_test_page(crate::devices::printing::PrintTestPage) -> crate::devices::printing::Printed, MANAGER READ "testing a station's printer is a manager's setup" => crate::devices::printing::print_test_page;
    // -- A paired station's own program, which runs the devices at its computer (stations.rs, scales.rs) --
    /// This station's name, its scale and printer, and which of them are at its own computer.
    station_devices(crate::context::NoArgs) -> crate::admin::stations::StationDevices, STATION READ "the station's program opens the devices at its computer; its key alone says which station it is" => crate::admin::stations::station_devices;
    /// Takes a reading of this station's own scale onto the board, stamped with the host's clock; writes nothing to the database.
    report_scale_reading(crate::devices::scales::ScaleReport) -> crate::devices::scales::ReadingTaken, STATION READ "a verdict rests only on what the station's own scale reported, sent from its computer with its key" => crate::devices::scales::report_scale_reading;
    /// The next slip waiting for this station's own printer; writes nothing to the database.
    take_print_job(crate::context::NoArgs) -> crate::devices::board::WaitingPrintJob, STATION READ "slips for a station's own printer go only to its computer's program" => crate::devices::printing::take_print_job;
    /// What this station's own printer did with a slip, for the packer waiting for it; writes nothing to the database.
    finish_print_job(crate::devices::board::PrintJobDone) -> crate::context::Done, STATION READ "only the station's program that took the slip says how it printed" => crate::devices::printing::finish_print_job;
    /// What this station's own scale did with a Zero or Tare key, for the packer waiting for it; writes nothing to the database.
    finish_scale_key(crate::devices::board::KeyPressed) -> crate::context::Done, STATION READ "only the station's program that pressed the key on its scale says what the scale did" => crate::devices::scales::finish_scale_key;
}

/// Finds a command by name.
pub fn find(name: &str) -> Option<&'static CommandInfo> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The names of every command, as `GET /api/commands` lists them.
pub fn names() -> Vec<&'static str> {
    COMMANDS.iter().map(|c| c.name).collect()
}

/// Refuses a caller the command's access rule does not allow, saying what to do.
pub(crate) fn check_access(
    info: &CommandInfo,
    actor: Option<&Actor>,
    station_key: Option<&crate::context::KeyHolder>,
) -> Result<(), ApiError> {
    if info.access == Access::Station {
        return crate::admin::stations::check_station_program(station_key);
    }
    let role = actor.map(|a| a.role);
    if info.access.allows(role) {
        return Ok(());
    }
    match (info.access, role) {
        (_, None) => Err(ApiError::new(ErrorCode::NotSignedIn, "sign in at this station first")),
        (Access::Roles(roles), Some(role)) => Err(forbidden("do this", role, roles)),
        _ => Err(ApiError::new(ErrorCode::Forbidden, "this is not allowed from here")),
    }
}

fn decode<T: DeserializeOwned>(name: &str, json: Value) -> Result<T, ApiError> {
    // An empty body means "no arguments".
    let json = if json.is_null() { Value::Object(Default::default()) } else { json };
    check_sizes(name, &json, "")?;
    serde_json::from_value(json).map_err(|e| {
        ApiError::bad_request(format!(
            "the request for {name} is not valid: {}",
            backroom_core::limits::shorten(&e.to_string(), 200)
        ))
    })
}

/// Fields that carry a whole file, whose limit is the request's size rather than a field's.
const FILE_FIELDS: &[(&str, &str)] = &[
    ("import_csv", "csv"),
    ("save_settings", "slip.logo"),
    ("slip_pdf", "preview.logo"),
    ("set_product_image", "image"),
];
/// The most items in any list of a request.
const MAX_ITEMS: usize = 10_000;

/// Refuses a request with a text or a list longer than any field needs, naming the field, before
/// anything reads it: a 50 KB search text or a pasted file in a name is a mistake or an attack.
fn check_sizes(command: &str, value: &Value, path: &str) -> Result<(), ApiError> {
    use backroom_core::limits::{TEXT_CHARS, check_text};
    let field = if path.is_empty() { "the request" } else { path };
    match value {
        Value::String(text) => {
            // No field holds a NUL; SQLite would read the text as ending there.
            if text.contains('\0') {
                return Err(ApiError::invalid(format!("{field} holds a NUL character")));
            }
            if !FILE_FIELDS.contains(&(command, path)) {
                check_text(field, text, TEXT_CHARS)?;
            }
        }
        Value::Array(items) => {
            if items.len() > MAX_ITEMS {
                return Err(ApiError::invalid(format!(
                    "{field} has {} items; the most is {MAX_ITEMS}",
                    items.len()
                )));
            }
            for (i, item) in items.iter().enumerate() {
                check_sizes(command, item, &format!("{path}[{i}]"))?;
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let key = backroom_core::limits::shorten(key, 40);
                let path = if path.is_empty() { key } else { format!("{path}.{key}") };
                check_sizes(command, item, &path)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn encode<T: Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::storage(format!("cannot encode reply: {e}")))
}

/// Writes the TypeScript declarations of every request, response, error and event type into
/// `dir`, with `commands.ts` mapping each command name to its request and response.
pub fn write_typescript(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
    let cfg = ts_rs::Config::new().with_out_dir(dir).with_large_int("number");
    for info in COMMANDS {
        (info.ts_export)(&cfg)?;
    }
    <ApiError as TS>::export_all(&cfg)?;
    <crate::events::Event as TS>::export_all(&cfg)?;
    std::fs::write(dir.join("commands.ts"), commands_ts(&cfg))?;
    Ok(())
}

/// Exports a type, or for a container such as `Vec<Station>` (which has no file of its own) the
/// types it holds.
fn export_with_dependencies<T: TS + 'static>(
    cfg: &ts_rs::Config,
) -> Result<(), ts_rs::ExportError> {
    struct Exporter<'a> {
        cfg: &'a ts_rs::Config,
        result: Result<(), ts_rs::ExportError>,
    }
    impl ts_rs::TypeVisitor for Exporter<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            if self.result.is_ok() && U::output_path().is_some() {
                self.result = U::export_all(self.cfg);
            }
        }
    }
    if T::output_path().is_some() {
        return T::export_all(cfg);
    }
    // A container's element type is one of its generics, not a dependency.
    let mut exporter = Exporter { cfg, result: Ok(()) };
    T::visit_dependencies(&mut exporter);
    T::visit_generics(&mut exporter);
    exporter.result
}

fn commands_ts(cfg: &ts_rs::Config) -> String {
    let mut imports = std::collections::BTreeSet::new();
    let mut body = String::new();
    for info in COMMANDS {
        let (req, res) = (info.ts_names)(cfg);
        for ty in [&req, &res] {
            collect_idents(ty, &mut imports);
        }
        body.push_str(&format!("  {}: {{ req: {req}; res: {res} }};\n", info.name));
    }
    let mut out = String::from(
        "// Generated from the Rust command list (backroom-api/src/commands.rs). Do not edit.\n",
    );
    for ident in &imports {
        out.push_str(&format!("import type {{ {ident} }} from \"./{ident}\";\n"));
    }
    out.push_str("\nexport interface Commands {\n");
    out.push_str(&body);
    out.push_str("}\n\nexport type CommandName = keyof Commands;\n");
    out.push_str("export const COMMAND_NAMES: CommandName[] = [\n");
    for info in COMMANDS {
        out.push_str(&format!("  \"{}\",\n", info.name));
    }
    out.push_str("];\n");
    out.push_str(
        "\n/** Whether each command only reads or may write; a write is sent with a request id. */\n",
    );
    out.push_str("export const COMMAND_KINDS: Record<CommandName, \"read\" | \"write\"> = {\n");
    for info in COMMANDS {
        let kind = match info.kind {
            Kind::Read => "read",
            Kind::Write => "write",
        };
        out.push_str(&format!("  {}: \"{kind}\",\n", info.name));
    }
    out.push_str("};\n");
    out
}

/// The user-defined type names in a TypeScript type expression such as `Array<Station>`.
fn collect_idents(ty: &str, into: &mut std::collections::BTreeSet<String>) {
    const BUILTIN: &[&str] =
        &["Array", "Record", "string", "number", "boolean", "null", "never", "bigint"];
    for word in ty.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if !word.is_empty()
            && !BUILTIN.contains(&word)
            && word.chars().next().is_some_and(char::is_uppercase)
        {
            into.insert(word.to_owned());
        }
    }
}
