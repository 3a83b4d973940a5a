// Layout editing in Manage, on the demo warehouse: the manager sees the demo layout (12 aisles,
// 3 blocks, 10 slots a side), grows it to 14 aisles with the keyboard and saves; the new bins
// exist and a bin that held stock still holds it. Shrinking to 2 aisles is refused in the
// server's words, naming bins that hold stock. Export downloads exactly the stored JSON, and an
// imported file fills the form and shows what it changes before it is saved.
//
// The tests run in order: each starts from the layout the one before saved.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, newStationPage, root, screenshot, signIn, startBackroom } from "./harness.mjs";

let backroom;
let browser;
let stations;
let manager;
let admin; // the manager's API token, for setting up and checking
let page;
// The same executable the harness serves with, for `backroom route` on the exported file.
const backroomBin = process.env.BACKROOM_BIN
  ? path.resolve(process.env.BACKROOM_BIN)
  : path.join(process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, "target"), "debug/backroom");

const SKU = "E2E-LAYOUT";
// The last bin of the demo layout: it stays when the layout grows and goes when it shrinks.
const STOCKED_BIN = "A12-3-10-R";
const QTY = 7;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  manager = backroom.operators.find((op) => op.role === "manager");
  assert.ok(manager, "the demo has a manager");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  await backroom.api("save_product", { sku: SKU, name: "E2E layout product", category: "Test", price_cents: 1000, barcodes: [] }, admin);
  await backroom.api("receive", { product: SKU, qty: QTY, to: STOCKED_BIN }, admin);
  page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("F6");
  await page.getByTestId("manage").waitFor();
  await page.getByTestId("layout-summary").waitFor();
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

async function onHand(bin) {
  const stock = await backroom.api("stock_in_location", { location: bin }, admin);
  return stock.products.find((p) => p.sku === SKU)?.on_hand ?? 0;
}

async function text(testId) {
  return (await page.getByTestId(testId).textContent()).replace(/\s+/g, " ").trim();
}

/** Types a value into a form field with the keyboard, replacing what is there. */
async function typeInto(testId, value) {
  await page.getByTestId(testId).focus();
  await page.keyboard.press("Control+a");
  await page.keyboard.type(value);
}

async function changes() {
  return (await page.getByTestId("layout-change").allTextContents()).map((t) => t.trim());
}

test("the manager grows the demo layout to 14 aisles and a stocked bin keeps its stock", async () => {
  assert.equal(await onHand(STOCKED_BIN), QTY);
  const before = await backroom.api("get_layout", {}, admin);
  assert.equal(before.bins, 720);

  // The demo layout, field by field, and what it amounts to.
  assert.equal(await page.getByTestId("layout-name").inputValue(), "Demo warehouse");
  assert.equal(await page.getByTestId("layout-aisles").inputValue(), "12");
  assert.equal(await page.getByTestId("layout-blocks").inputValue(), "3");
  assert.equal(await page.getByTestId("layout-slots_per_side").inputValue(), "10");
  assert.equal(await page.getByTestId("layout-slot_length_m").inputValue(), "1.2");
  assert.equal(await page.getByTestId("layout-aisle_pitch_m").inputValue(), "3");
  assert.equal(await page.getByTestId("layout-cross_aisle_m").inputValue(), "2.5");
  assert.equal(await page.getByTestId("layout-depot_x_m").inputValue(), "0");
  assert.equal(await text("layout-bins"), "720");
  assert.equal(await text("layout-range"), "A01-1-01-L … A12-3-10-R");
  assert.equal(await text("layout-area"), "36 × 46 m");
  assert.equal(await page.getByTestId("layout-changes").count(), 0);

  // Keyboard: Tab walks the form in order.
  await page.getByTestId("layout-name").focus();
  for (const next of ["layout-aisles", "layout-blocks", "layout-slots_per_side", "layout-slot_length_m"]) {
    await page.keyboard.press("Tab");
    assert.equal(await focusedTestId(page), next);
  }

  await typeInto("layout-aisles", "14");
  await page.getByTestId("layout-dirty").waitFor();
  assert.equal(await text("layout-bins"), "840");
  assert.equal(await text("layout-range"), "A01-1-01-L … A14-3-10-R");
  assert.deepEqual(await changes(), ["+120 bins", "aisles 12 → 14"]);
  await screenshot(page, "layout-grow");

  // Enter saves.
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/set_layout"));
  await page.keyboard.press("Enter");
  assert.equal((await saved).status(), 200);
  await page.getByTestId("layout-saved").waitFor();
  assert.match(await text("layout-saved"), /840 bins \(120 new\)/);
  assert.equal(await page.getByTestId("layout-dirty").count(), 0);

  const after = await backroom.api("get_layout", {}, admin);
  assert.equal(after.bins, 840);
  assert.deepEqual(after.layout, { ...before.layout, aisles: 14 });
  // The stocked bin kept its stock, and the new aisles' bins exist.
  assert.equal(await onHand(STOCKED_BIN), QTY);
  const product = await backroom.api("lookup_product", { code: SKU }, admin);
  assert.equal(product.locations.find((l) => l.location === STOCKED_BIN)?.on_hand, QTY);
  const newBin = await backroom.api("stock_in_location", { location: "A14-3-10-R" }, admin);
  assert.equal(newBin.location, "A14-3-10-R");
  assert.deepEqual(page.errors, []);
});

test("a layout that leaves out stocked bins is refused with the server's message", async () => {
  // A count of 0 is caught in the form, before the server.
  await typeInto("layout-aisles", "0");
  await page.keyboard.press("Enter");
  await page.getByTestId("layout-problems").waitFor();
  assert.deepEqual(await page.getByTestId("layout-problem").allTextContents(), ["Aisles must be a whole number, 1 or more (not 0)."]);
  assert.equal(await focusedTestId(page), "layout-aisles");

  await typeInto("layout-aisles", "2");
  assert.equal(await text("layout-bins"), "120");
  assert.deepEqual(await changes(), ["−720 bins", "aisles 14 → 2"]);
  const refused = page.waitForResponse((r) => r.url().endsWith("/api/set_layout"));
  await page.keyboard.press("Enter");
  assert.equal((await refused).status(), 409);
  await page.getByTestId("layout-refused").waitFor();
  const shown = await text("layout-refused");

  // Verbatim: the same words the server gives for the same layout.
  const layout = (await backroom.api("get_layout", {}, admin)).layout;
  const serverSays = await backroom.api("set_layout", { layout: { ...layout, aisles: 2 } }, admin).then(
    () => assert.fail("the server took a layout that strands stock"),
    (e) => e.message.replace(/^set_layout: conflict: /, ""),
  );
  assert.equal(shown, serverSays);
  assert.match(shown, /^the new layout leaves out bins that still hold stock: A\d\d-\d-\d\d-[LR]/);
  await screenshot(page, "layout-refused");

  // Nothing changed.
  const after = await backroom.api("get_layout", {}, admin);
  assert.equal(after.bins, 840);
  assert.equal(after.layout.aisles, 14);
  assert.equal(await onHand(STOCKED_BIN), QTY);

  // Undo puts the saved layout back in the form.
  await page.getByTestId("layout-revert").click();
  assert.equal(await page.getByTestId("layout-aisles").inputValue(), "14");
  assert.equal(await page.getByTestId("layout-dirty").count(), 0);
});

test("export downloads the stored layout JSON and import shows its changes before saving", async () => {
  const download = page.waitForEvent("download");
  await page.getByTestId("layout-export").focus();
  await page.keyboard.press("Enter");
  const file = await download;
  assert.equal(file.suggestedFilename(), "layout-Demo-warehouse.json");
  const exported = readFileSync(await file.path(), "utf8");
  const info = await backroom.api("get_layout", {}, admin);
  assert.deepEqual(JSON.parse(exported), info.layout);
  // Byte for byte what the server stores (serde_json of the Rust struct: its field order, and
  // whole metres written 3.0), which Rust's own layout reader takes back: `backroom route`
  // plans a walk to the new aisle's last bin on the exported file.
  assert.equal(
    exported,
    '{"name":"Demo warehouse","aisles":14,"blocks":3,"slots_per_side":10,"slot_length_m":1.2,"aisle_pitch_m":3.0,"cross_aisle_m":2.5,"depot_x_m":0.0}',
  );
  const dir = mkdtempSync(path.join(tmpdir(), "backroom-layout-"));
  try {
    const layoutFile = path.join(dir, file.suggestedFilename());
    const picksFile = path.join(dir, "picks.json");
    writeFileSync(layoutFile, exported);
    const picks = { layout: info.layout.name, picks: [{ id: "P1", aisle: 14, block: 3, slot: 10, side: "R" }] };
    writeFileSync(picksFile, JSON.stringify(picks));
    const route = JSON.parse(execFileSync(backroomBin, ["route", "--layout", layoutFile, "--picks", picksFile, "--json"], { encoding: "utf8" }));
    assert.deepEqual(route.sequence, ["P1"]);
    // Depot (0, 1.25) to aisle 14 at x 39, slot 10 of block 3 at y 2.5 + 2·14.5 + 11.4: there and back.
    assert.ok(Math.abs(route.distance_m - 2 * (39 + 42.9 - 1.25)) < 1e-6, `route ${route.distance_m}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Import a grown copy: the form fills, the changes show, nothing is saved yet.
  const grown = { ...JSON.parse(exported), aisles: 15, name: "Demo warehouse" };
  await page.getByTestId("layout-import-file").setInputFiles({
    name: "layout-grown.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(grown)),
  });
  await page.getByTestId("layout-imported").waitFor();
  assert.equal(await page.getByTestId("layout-aisles").inputValue(), "15");
  assert.deepEqual(await changes(), ["+60 bins", "aisles 14 → 15"]);
  await screenshot(page, "layout-import");
  assert.equal((await backroom.api("get_layout", {}, admin)).bins, 840);
  // Focus waits on Save: Enter saves the imported layout.
  assert.equal(await focusedTestId(page), "layout-save");
  await page.keyboard.press("Enter");
  await page.getByTestId("layout-saved").waitFor();
  const after = await backroom.api("get_layout", {}, admin);
  assert.equal(after.bins, 900);
  assert.deepEqual(after.layout, grown);
  assert.equal(await onHand(STOCKED_BIN), QTY);

  // A file that is not a layout leaves the form alone and says why.
  await page.getByTestId("layout-import-file").setInputFiles({
    name: "notes.json",
    mimeType: "application/json",
    buffer: Buffer.from('{"aisles": 3}'),
  });
  await page.getByTestId("layout-imported").getByText("notes.json: the file is not a layout").waitFor();
  assert.equal(await page.getByTestId("layout-aisles").inputValue(), "15");
  assert.deepEqual(page.errors, []);
});
