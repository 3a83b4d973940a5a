// The end-of-day manifest over HTTP, as a station's browser calls it: two orders are picked and
// packed at the bench without a scale (one also ships), the manifest lists each under its
// carrier, the packer closes out UPS, closing again writes nothing new, a picker may not close
// out, and the closed manifest comes as a PDF and a CSV naming the order. On the screen, closing
// out asks first: Esc steps back with nothing closed, Enter closes. The store's day is the
// manifest's day: in a zone where it is already tomorrow (or still yesterday), the open
// packages are that day's.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, newStationPage, screenshot, signIn, startBackroom } from "./harness.mjs";

const BIN = "A12-3-01-R";
const MUG = { sku: "E2E-MAN-MUG", name: "E2E Manifest Mug", grams: 340 };

let backroom;
let admin;
let packer;
let picker;

before(async () => {
  backroom = await startBackroom();
  const op = (role) => backroom.operators.find((o) => o.role === role);
  admin = (await backroom.api("sign_in", { station: "Office", credential: op("manager").badge })).token;
  packer = (await backroom.api("sign_in", { station: "Pack 2", credential: op("packer").badge })).token;
  picker = (await backroom.api("sign_in", { station: "Pick 1", credential: op("picker").badge })).token;
  await backroom.api(
    "save_product",
    {
      sku: MUG.sku,
      name: MUG.name,
      category: "Test",
      unit_weight: `${MUG.grams} g`,
      price_cents: 500,
      dimensions_mm: { length: 100, width: 90, height: 110 },
    },
    admin,
  );
  await backroom.api("receive", { product: MUG.sku, qty: 10, to: BIN }, admin);
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

let browser;

/** An order of one mug, picked and weighed at its expected weight, so it is packed. */
async function packedOrder(number, shipping) {
  const order = await backroom.api(
    "create_order",
    {
      number,
      customer: { name: "Ada Lee" },
      ship_to: { name: "Ada Lee", address1: "1 High Street", city: "Leeds", postal_code: "LS1 1AA", country: "GB" },
      billing_country: "GB",
      payment_status: "paid",
      lines: [{ product: MUG.sku, qty: 1 }],
      ...shipping,
    },
    admin,
  );
  assert.equal(order.status, "allocated");
  await backroom.api("pick", { order: number, product: MUG.sku, bin: BIN, qty: 1 }, picker);
  const box = (await backroom.api("suggest_box", { order: number }, packer)).fits[0].box.code;
  const expected = await backroom.api("expected_weight", { order: number, box }, packer);
  const weighed = await backroom.api(
    "weigh",
    { order: number, box, grams: expected.expected_g, stable: true },
    packer,
  );
  assert.equal(weighed.status, "packed");
  return expected.expected_g;
}

/** The HTTP status and body of a command, without throwing on an error. */
async function raw(cmd, req, token) {
  const reply = await fetch(`${backroom.url}api/${cmd}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(req),
  });
  return { status: reply.status, body: await reply.json() };
}

test("the day's packages close out per carrier once, and the manifest downloads", async () => {
  const before = await backroom.api("manifest", {}, packer);
  assert.deepEqual(before.carriers, [], "the demo has packed nothing yet");

  const upsWeight = await packedOrder("E2E-M1", { carrier: "UPS", service: "UPS Ground" });
  const dpdWeight = await packedOrder("E2E-M2", { service: "DPD Next Day" });
  await backroom.api("ship_order", { number: "E2E-M2" }, packer);

  const open = await backroom.api("manifest", {}, packer);
  assert.equal(open.date, new Date().toISOString().slice(0, 10));
  assert.deepEqual(
    open.carriers.map((c) => [c.carrier, c.count, c.total_g, c.packages.map((p) => p.order)]),
    [
      ["DPD", 1, dpdWeight, ["E2E-M2"]],
      ["UPS", 1, upsWeight, ["E2E-M1"]],
    ],
  );

  const closed = await backroom.api("close_manifest", { carrier: "UPS" }, packer);
  assert.equal(closed.closed.carrier, "UPS");
  assert.equal(closed.closed.packages, 1);
  assert.equal(closed.closed.total_g, upsWeight);
  const again = await backroom.api("close_manifest", { carrier: "UPS" }, packer);
  assert.equal(again.closed, null, "nothing left to close");
  assert.deepEqual(again.of_the_day, [closed.closed]);
  const after = await backroom.api("manifest", {}, packer);
  assert.deepEqual(after.carriers.map((c) => c.carrier), ["DPD"]);

  const refused = await raw("close_manifest", { carrier: "DPD" }, picker);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, "forbidden");
  const unknown = await raw("close_manifest", { carrier: "FedEx" }, packer);
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.message, /carriers with packages: DPD/);

  const listed = await backroom.api("list_manifests", {}, packer);
  assert.deepEqual(listed.map((m) => m.id), [closed.closed.id]);

  const pdf = await backroom.api("manifest_file", { id: closed.closed.id, format: "pdf" }, packer);
  assert.equal(pdf.content_type, "application/pdf");
  assert.match(pdf.filename, /^manifest-\d+-ups-\d{4}-\d{2}-\d{2}\.pdf$/);
  assert.equal(Buffer.from(pdf.base64, "base64").subarray(0, 5).toString("latin1"), "%PDF-");

  const csv = await backroom.api("manifest_file", { id: closed.closed.id, format: "csv" }, packer);
  assert.equal(csv.content_type, "text/csv");
  const lines = Buffer.from(csv.base64, "base64").toString("utf8").trim().split("\n");
  assert.equal(lines.length, 2, "a header and one package");
  assert.match(lines[0], /^manifest,carrier,date,order,/);
  assert.match(lines[1], /,UPS,.*,E2E-M1,Ada Lee,Leeds,.*,UPS Ground,/);

  const missing = await raw("manifest_file", { id: 9999, format: "pdf" }, packer);
  assert.equal(missing.status, 404);
  const badDate = await raw("manifest", { date: "yesterday" }, packer);
  assert.equal(badDate.status, 400);
});

test("closing out on the screen asks first: Esc keeps it open, Enter closes", async () => {
  await packedOrder("E2E-M3", { carrier: "Royal Mail", service: "Tracked 48" });
  browser = await launchChromium();
  const stations = (await backroom.api("list_stations")).map((st) => st.name);
  const manager = backroom.operators.find((o) => o.role === "manager");
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("Shift+F6");
  await page.getByTestId("dashboard").waitFor();
  await page.keyboard.press("Alt+4");
  await page.getByTestId("manifest-open").waitFor();
  const rows = page.getByTestId("manifest-carrier");
  const names = await rows.allTextContents();
  const at = names.findIndex((n) => n.includes("Royal Mail"));
  assert.ok(at >= 0, `Royal Mail is listed: ${names}`);
  for (let i = 0; i < at; i++) await page.keyboard.press("ArrowDown");

  await page.keyboard.press("Alt+c");
  const dialog = page.getByTestId("close-confirm");
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Close out Royal Mail\?.*1 package/s);
  const box = await dialog.boundingBox();
  assert.ok(box && box.width <= 1024 && box.y >= 0, "the confirm fits the screen");
  await screenshot(page, "manifest-confirm");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  // Esc stepped back out of the confirm only: the screen is still open and nothing closed.
  await page.getByTestId("manifest-open").waitFor();
  const still = await backroom.api("manifest", {}, packer);
  assert.ok(still.carriers.some((c) => c.carrier === "Royal Mail"), "nothing was closed");

  await page.keyboard.press("Alt+c");
  await dialog.waitFor();
  await page.keyboard.press("Enter");
  await page.getByTestId("manifest-notice").waitFor();
  assert.match(await page.getByTestId("manifest-notice").textContent(), /closed for Royal Mail: 1 package, /);
  const afterClose = await backroom.api("manifest", {}, packer);
  assert.ok(!afterClose.carriers.some((c) => c.carrier === "Royal Mail"));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the manifest's day is the store's", async () => {
  const token = admin;
  const settings = await backroom.api("get_settings", {}, token);
  // Whatever the hour in UTC, one of these zones is on another calendar day.
  const utcDay = new Date().toISOString().slice(0, 10);
  const dayIn = (zone) => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
  const zone = ["Pacific/Kiritimati", "Pacific/Pago_Pago"].find((z) => dayIn(z) !== utcDay);
  await backroom.api("save_settings", { ...settings, store: { ...settings.store, time_zone: zone } }, token);
  try {
    const open = await backroom.api("manifest", {}, packer);
    assert.equal(open.date, dayIn(zone));
    assert.equal((await backroom.api("store_info", {}, picker)).time_zone, zone, "the floor reads the zone");
  } finally {
    await backroom.api("save_settings", settings, token);
  }
});
