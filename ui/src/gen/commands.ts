// Generated from the Rust command list (backroom-api/src/commands.rs). Do not edit.
import type { AllocationSummary } from "./AllocationSummary";
import type { BatchSlipRequest } from "./BatchSlipRequest";
import type { BoxQuery } from "./BoxQuery";
import type { BoxSuggestion } from "./BoxSuggestion";
import type { CloseManifest } from "./CloseManifest";
import type { ClosedManifest } from "./ClosedManifest";
import type { ColumnMapping } from "./ColumnMapping";
import type { CountDecided } from "./CountDecided";
import type { CountQuery } from "./CountQuery";
import type { CountSubmitted } from "./CountSubmitted";
import type { CountTask } from "./CountTask";
import type { CountsCreated } from "./CountsCreated";
import type { CreateCounts } from "./CreateCounts";
import type { CustomerReturn } from "./CustomerReturn";
import type { Dashboard } from "./Dashboard";
import type { DashboardQuery } from "./DashboardQuery";
import type { DecideCount } from "./DecideCount";
import type { DemoSummary } from "./DemoSummary";
import type { DetectScale } from "./DetectScale";
import type { DetectedScale } from "./DetectedScale";
import type { Done } from "./Done";
import type { Drill } from "./Drill";
import type { ExpectReceipt } from "./ExpectReceipt";
import type { ExpectedQuery } from "./ExpectedQuery";
import type { ExpectedReceipt } from "./ExpectedReceipt";
import type { ExpectedWeight } from "./ExpectedWeight";
import type { ExportFile } from "./ExportFile";
import type { ExportRequest } from "./ExportRequest";
import type { FetchQuery } from "./FetchQuery";
import type { FillRateDrill } from "./FillRateDrill";
import type { FillRateQuery } from "./FillRateQuery";
import type { FillRates } from "./FillRates";
import type { FirstManager } from "./FirstManager";
import type { Health } from "./Health";
import type { HeldOrder } from "./HeldOrder";
import type { HoldDecision } from "./HoldDecision";
import type { HoldQuery } from "./HoldQuery";
import type { ImageFetched } from "./ImageFetched";
import type { ImageQuery } from "./ImageQuery";
import type { ImageToFetch } from "./ImageToFetch";
import type { ImportReport } from "./ImportReport";
import type { ImportRequest } from "./ImportRequest";
import type { KeyPressed } from "./KeyPressed";
import type { LabelFile } from "./LabelFile";
import type { LabelRequest } from "./LabelRequest";
import type { LayoutInfo } from "./LayoutInfo";
import type { LayoutTemplate } from "./LayoutTemplate";
import type { LedgerReport } from "./LedgerReport";
import type { LineMapped } from "./LineMapped";
import type { Location } from "./Location";
import type { LocationQuery } from "./LocationQuery";
import type { LocationRef } from "./LocationRef";
import type { LocationStock } from "./LocationStock";
import type { Lookup } from "./Lookup";
import type { Manifest } from "./Manifest";
import type { ManifestFile } from "./ManifestFile";
import type { ManifestFileRequest } from "./ManifestFileRequest";
import type { ManifestListQuery } from "./ManifestListQuery";
import type { ManifestQuery } from "./ManifestQuery";
import type { ManifestSummary } from "./ManifestSummary";
import type { MapUnknownLine } from "./MapUnknownLine";
import type { Movement } from "./Movement";
import type { MovementQuery } from "./MovementQuery";
import type { MyLanguage } from "./MyLanguage";
import type { NewMovement } from "./NewMovement";
import type { NewOrder } from "./NewOrder";
import type { NewPairingCode } from "./NewPairingCode";
import type { NoArgs } from "./NoArgs";
import type { Operator } from "./Operator";
import type { Order } from "./Order";
import type { OrderInBox } from "./OrderInBox";
import type { OrderPage } from "./OrderPage";
import type { OrderQuery } from "./OrderQuery";
import type { OrderRef } from "./OrderRef";
import type { Overridden } from "./Overridden";
import type { OverrideWeighing } from "./OverrideWeighing";
import type { PackBox } from "./PackBox";
import type { PackOrder } from "./PackOrder";
import type { PairStation } from "./PairStation";
import type { Paired } from "./Paired";
import type { PairedStation } from "./PairedStation";
import type { PairingCode } from "./PairingCode";
import type { PickListQuery } from "./PickListQuery";
import type { PickListRef } from "./PickListRef";
import type { PickListSummary } from "./PickListSummary";
import type { PickListView } from "./PickListView";
import type { PickPlan } from "./PickPlan";
import type { PickRequest } from "./PickRequest";
import type { PickResult } from "./PickResult";
import type { PlanPicks } from "./PlanPicks";
import type { PrintJobDone } from "./PrintJobDone";
import type { PrintSlip } from "./PrintSlip";
import type { PrintTestPage } from "./PrintTestPage";
import type { Printed } from "./Printed";
import type { Printers } from "./Printers";
import type { Product } from "./Product";
import type { ProductImage } from "./ProductImage";
import type { ProductPage } from "./ProductPage";
import type { ProductQuery } from "./ProductQuery";
import type { ProductStock } from "./ProductStock";
import type { PutAway } from "./PutAway";
import type { PutAwayDone } from "./PutAwayDone";
import type { ReadingTaken } from "./ReadingTaken";
import type { Receive } from "./Receive";
import type { ReceiveReturn } from "./ReceiveReturn";
import type { Received } from "./Received";
import type { ReturnQuery } from "./ReturnQuery";
import type { ReturnReceived } from "./ReturnReceived";
import type { SaveArea } from "./SaveArea";
import type { SaveBox } from "./SaveBox";
import type { SaveOperator } from "./SaveOperator";
import type { SaveProduct } from "./SaveProduct";
import type { SavedMapping } from "./SavedMapping";
import type { ScaleKey } from "./ScaleKey";
import type { ScalePortFound } from "./ScalePortFound";
import type { ScaleReport } from "./ScaleReport";
import type { Session } from "./Session";
import type { SetLayout } from "./SetLayout";
import type { SetLeadTime } from "./SetLeadTime";
import type { SetProductImage } from "./SetProductImage";
import type { Settings } from "./Settings";
import type { SetupLayout } from "./SetupLayout";
import type { SetupProgress } from "./SetupProgress";
import type { ShortPick } from "./ShortPick";
import type { ShortResult } from "./ShortResult";
import type { SignIn } from "./SignIn";
import type { SlipFile } from "./SlipFile";
import type { SlipRequest } from "./SlipRequest";
import type { Station } from "./Station";
import type { StationDevices } from "./StationDevices";
import type { StationRef } from "./StationRef";
import type { StationScale } from "./StationScale";
import type { StatusChange } from "./StatusChange";
import type { StockLevel } from "./StockLevel";
import type { StockLevelPage } from "./StockLevelPage";
import type { StockLevelQuery } from "./StockLevelQuery";
import type { StoreSettings } from "./StoreSettings";
import type { SubmitCount } from "./SubmitCount";
import type { TakePickList } from "./TakePickList";
import type { UnweighedProduct } from "./UnweighedProduct";
import type { WaitingPrintJob } from "./WaitingPrintJob";
import type { Wave } from "./Wave";
import type { Weigh } from "./Weigh";
import type { Weighed } from "./Weighed";
import type { Weighing } from "./Weighing";
import type { WeighingQuery } from "./WeighingQuery";
import type { WhatIf } from "./WhatIf";
import type { WhatIfResult } from "./WhatIfResult";

export interface Commands {
  health: { req: NoArgs; res: Health };
  list_stations: { req: NoArgs; res: Array<Station> };
  sign_in: { req: SignIn; res: Session };
  sign_out: { req: NoArgs; res: Done };
  whoami: { req: NoArgs; res: Session };
  set_my_language: { req: MyLanguage; res: Operator };
  list_operators: { req: NoArgs; res: Array<Operator> };
  save_operator: { req: SaveOperator; res: Operator };
  save_station: { req: Station; res: Station };
  create_pairing_code: { req: NewPairingCode; res: PairingCode };
  pair_station: { req: PairStation; res: Paired };
  revoke_station: { req: StationRef; res: Done };
  list_paired_stations: { req: NoArgs; res: Array<PairedStation> };
  search_products: { req: ProductQuery; res: ProductPage };
  lookup_product: { req: Lookup; res: ProductStock };
  save_product: { req: SaveProduct; res: Product };
  product_image: { req: ImageQuery; res: ProductImage };
  set_product_image: { req: SetProductImage; res: ProductImage };
  images_to_fetch: { req: FetchQuery; res: Array<ImageToFetch> };
  record_image_fetch: { req: ImageFetched; res: ProductImage };
  get_layout: { req: NoArgs; res: LayoutInfo };
  set_layout: { req: SetLayout; res: LayoutInfo };
  list_locations: { req: LocationQuery; res: Array<Location> };
  save_area: { req: SaveArea; res: Location };
  record_movement: { req: NewMovement; res: Movement };
  list_movements: { req: MovementQuery; res: Array<Movement> };
  stock_in_location: { req: LocationRef; res: LocationStock };
  check_ledger: { req: NoArgs; res: LedgerReport };
  list_orders: { req: OrderQuery; res: OrderPage };
  get_order: { req: OrderRef; res: Order };
  create_order: { req: NewOrder; res: Order };
  change_order_status: { req: StatusChange; res: Order };
  list_holds: { req: HoldQuery; res: Array<HeldOrder> };
  hold_order: { req: HoldDecision; res: Order };
  release_order: { req: HoldDecision; res: Order };
  release_new_orders: { req: NoArgs; res: Wave };
  cancel_order: { req: HoldDecision; res: Order };
  record_chargeback: { req: HoldDecision; res: Order };
  allocate: { req: NoArgs; res: AllocationSummary };
  pick: { req: PickRequest; res: PickResult };
  report_short: { req: ShortPick; res: ShortResult };
  ship_order: { req: OrderRef; res: Order };
  plan_pick_lists: { req: PlanPicks; res: PickPlan };
  take_pick_list: { req: TakePickList; res: PickListView };
  list_pick_lists: { req: PickListQuery; res: Array<PickListSummary> };
  get_pick_list: { req: PickListRef; res: PickListView };
  receive: { req: Receive; res: Received };
  put_away: { req: PutAway; res: PutAwayDone };
  expect_receipt: { req: ExpectReceipt; res: ExpectedReceipt };
  list_expected_receipts: { req: ExpectedQuery; res: Array<ExpectedReceipt> };
  create_counts: { req: CreateCounts; res: CountsCreated };
  list_counts: { req: CountQuery; res: Array<CountTask> };
  submit_count: { req: SubmitCount; res: CountSubmitted };
  decide_count: { req: DecideCount; res: CountDecided };
  receive_return: { req: ReceiveReturn; res: ReturnReceived };
  list_returns: { req: ReturnQuery; res: Array<CustomerReturn> };
  import_csv: { req: ImportRequest; res: ImportReport };
  map_unknown_line: { req: MapUnknownLine; res: LineMapped };
  save_import_mapping: { req: ColumnMapping; res: SavedMapping };
  list_import_mappings: { req: NoArgs; res: Array<SavedMapping> };
  export_csv: { req: ExportRequest; res: ExportFile };
  load_demo: { req: NoArgs; res: DemoSummary };
  setup_progress: { req: NoArgs; res: SetupProgress };
  create_first_manager: { req: FirstManager; res: Session };
  layout_templates: { req: NoArgs; res: Array<LayoutTemplate> };
  setup_layout: { req: SetupLayout; res: LayoutInfo };
  finish_setup: { req: NoArgs; res: SetupProgress };
  get_settings: { req: NoArgs; res: Settings };
  store_info: { req: NoArgs; res: StoreSettings };
  save_settings: { req: Settings; res: Settings };
  slip_pdf: { req: SlipRequest; res: SlipFile };
  slip_batch_pdf: { req: BatchSlipRequest; res: SlipFile };
  print_slip: { req: PrintSlip; res: Printed };
  labels_pdf: { req: LabelRequest; res: LabelFile };
  print_labels: { req: LabelRequest; res: Printed };
  list_boxes: { req: BoxQuery; res: Array<PackBox> };
  save_box: { req: SaveBox; res: PackBox };
  suggest_box: { req: PackOrder; res: BoxSuggestion };
  expected_weight: { req: OrderInBox; res: ExpectedWeight };
  fill_rates: { req: FillRateQuery; res: FillRates };
  fill_rate_orders: { req: FillRateDrill; res: Drill };
  stock_levels: { req: StockLevelQuery; res: StockLevelPage };
  what_if: { req: WhatIf; res: WhatIfResult };
  set_lead_time: { req: SetLeadTime; res: StockLevel };
  dashboard: { req: DashboardQuery; res: Dashboard };
  manifest: { req: ManifestQuery; res: Manifest };
  close_manifest: { req: CloseManifest; res: ClosedManifest };
  list_manifests: { req: ManifestListQuery; res: Array<ManifestSummary> };
  manifest_file: { req: ManifestFileRequest; res: ManifestFile };
  station_scale: { req: NoArgs; res: StationScale };
  zero_scale: { req: NoArgs; res: ScaleKey };
  tare_scale: { req: NoArgs; res: ScaleKey };
  weigh: { req: Weigh; res: Weighed };
  override_weighing: { req: OverrideWeighing; res: Overridden };
  list_weighings: { req: WeighingQuery; res: Array<Weighing> };
  unweighed_products: { req: NoArgs; res: Array<UnweighedProduct> };
  list_scale_ports: { req: NoArgs; res: Array<ScalePortFound> };
  detect_scale: { req: DetectScale; res: DetectedScale };
  read_station_scale: { req: StationRef; res: StationScale };
  list_printers: { req: NoArgs; res: Printers };
  print_test_page: { req: PrintTestPage; res: Printed };
  station_devices: { req: NoArgs; res: StationDevices };
  report_scale_reading: { req: ScaleReport; res: ReadingTaken };
  take_print_job: { req: NoArgs; res: WaitingPrintJob };
  finish_print_job: { req: PrintJobDone; res: Done };
  finish_scale_key: { req: KeyPressed; res: Done };
}

export type CommandName = keyof Commands;
export const COMMAND_NAMES: CommandName[] = [
  "health",
  "list_stations",
  "sign_in",
  "sign_out",
  "whoami",
  "set_my_language",
  "list_operators",
  "save_operator",
  "save_station",
  "create_pairing_code",
  "pair_station",
  "revoke_station",
  "list_paired_stations",
  "search_products",
  "lookup_product",
  "save_product",
  "product_image",
  "set_product_image",
  "images_to_fetch",
  "record_image_fetch",
  "get_layout",
  "set_layout",
  "list_locations",
  "save_area",
  "record_movement",
  "list_movements",
  "stock_in_location",
  "check_ledger",
  "list_orders",
  "get_order",
  "create_order",
  "change_order_status",
  "list_holds",
  "hold_order",
  "release_order",
  "release_new_orders",
  "cancel_order",
  "record_chargeback",
  "allocate",
  "pick",
  "report_short",
  "ship_order",
  "plan_pick_lists",
  "take_pick_list",
  "list_pick_lists",
  "get_pick_list",
  "receive",
  "put_away",
  "expect_receipt",
  "list_expected_receipts",
  "create_counts",
  "list_counts",
  "submit_count",
  "decide_count",
  "receive_return",
  "list_returns",
  "import_csv",
  "map_unknown_line",
  "save_import_mapping",
  "list_import_mappings",
  "export_csv",
  "load_demo",
  "setup_progress",
  "create_first_manager",
  "layout_templates",
  "setup_layout",
  "finish_setup",
  "get_settings",
  "store_info",
  "save_settings",
  "slip_pdf",
  "slip_batch_pdf",
  "print_slip",
  "labels_pdf",
  "print_labels",
  "list_boxes",
  "save_box",
  "suggest_box",
  "expected_weight",
  "fill_rates",
  "fill_rate_orders",
  "stock_levels",
  "what_if",
  "set_lead_time",
  "dashboard",
  "manifest",
  "close_manifest",
  "list_manifests",
  "manifest_file",
  "station_scale",
  "zero_scale",
  "tare_scale",
  "weigh",
  "override_weighing",
  "list_weighings",
  "unweighed_products",
  "list_scale_ports",
  "detect_scale",
  "read_station_scale",
  "list_printers",
  "print_test_page",
  "station_devices",
  "report_scale_reading",
  "take_print_job",
  "finish_print_job",
  "finish_scale_key",
];

/** Whether each command only reads or may write; a write is sent with a request id. */
export const COMMAND_KINDS: Record<CommandName, "read" | "write"> = {
  health: "read",
  list_stations: "read",
  sign_in: "write",
  sign_out: "write",
  whoami: "read",
  set_my_language: "write",
  list_operators: "read",
  save_operator: "write",
  save_station: "write",
  create_pairing_code: "write",
  pair_station: "write",
  revoke_station: "write",
  list_paired_stations: "read",
  search_products: "read",
  lookup_product: "read",
  save_product: "write",
  product_image: "read",
  set_product_image: "write",
  images_to_fetch: "read",
  record_image_fetch: "write",
  get_layout: "read",
  set_layout: "write",
  list_locations: "read",
  save_area: "write",
  record_movement: "write",
  list_movements: "read",
  stock_in_location: "read",
  check_ledger: "read",
  list_orders: "read",
  get_order: "read",
  create_order: "write",
  change_order_status: "write",
  list_holds: "read",
  hold_order: "write",
  release_order: "write",
  release_new_orders: "write",
  cancel_order: "write",
  record_chargeback: "write",
  allocate: "write",
  pick: "write",
  report_short: "write",
  ship_order: "write",
  plan_pick_lists: "write",
  take_pick_list: "write",
  list_pick_lists: "read",
  get_pick_list: "read",
  receive: "write",
  put_away: "write",
  expect_receipt: "write",
  list_expected_receipts: "read",
  create_counts: "write",
  list_counts: "read",
  submit_count: "write",
  decide_count: "write",
  receive_return: "write",
  list_returns: "read",
  import_csv: "write",
  map_unknown_line: "write",
  save_import_mapping: "write",
  list_import_mappings: "read",
  export_csv: "read",
  load_demo: "write",
  setup_progress: "read",
  create_first_manager: "write",
  layout_templates: "read",
  setup_layout: "write",
  finish_setup: "write",
  get_settings: "read",
  store_info: "read",
  save_settings: "write",
  slip_pdf: "read",
  slip_batch_pdf: "read",
  print_slip: "read",
  labels_pdf: "read",
  print_labels: "read",
  list_boxes: "read",
  save_box: "write",
  suggest_box: "read",
  expected_weight: "read",
  fill_rates: "read",
  fill_rate_orders: "read",
  stock_levels: "read",
  what_if: "read",
  set_lead_time: "write",
  dashboard: "read",
  manifest: "read",
  close_manifest: "write",
  list_manifests: "read",
  manifest_file: "read",
  station_scale: "read",
  zero_scale: "read",
  tare_scale: "read",
  weigh: "write",
  override_weighing: "write",
  list_weighings: "read",
  unweighed_products: "read",
  list_scale_ports: "read",
  detect_scale: "read",
  read_station_scale: "read",
  list_printers: "read",
  print_test_page: "read",
  station_devices: "read",
  report_scale_reading: "read",
  take_print_job: "read",
  finish_print_job: "read",
  finish_scale_key: "read",
};
