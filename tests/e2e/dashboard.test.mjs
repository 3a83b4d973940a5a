// The manager's dashboard on the demo warehouse, keyboard only: the overview's numbers are the
// API's numbers and its four charts are drawn; the fill-rate table and its drill-down agree
// with the API; the stock list finds a product, shows its what-ifs and saves as CSV.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { launchChromium, newStationPage, screenshot, signIn, startBackroom } from "./harness.mjs";

let backroom;
let browser;
let stations;
let manager;
let token;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  manager = backroom.operators.find((op) => op.role === "manager");
  token = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

/** A rate as the screen writes it. */
function percent(rate) {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/** How many pixels of a canvas are painted: a drawn chart has thousands. */
function painted(page, testid) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"] canvas`);
    const { width, height } = canvas;
    const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
    let n = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
    return n;
  }, testid);
}

test("the overview shows the API's numbers with its charts drawn", async () => {
  const expected = await backroom.api("dashboard", { days: 14 }, token);
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("Shift+F6");
  await page.getByTestId("dashboard").waitFor();
  await page.getByTestId("kpi-units").waitFor();

  const overall = expected.fill.overall;
  const kpis = {
    "kpi-units": overall.rates.first_time.units,
    "kpi-lines": overall.rates.first_time.lines,
    "kpi-orders": overall.rates.first_time.orders,
    "kpi-perfect": overall.rates.perfect_order,
  };
  for (const [id, rate] of Object.entries(kpis)) {
    const value = await page.getByTestId(id).locator(".kpi-value").textContent();
    assert.equal(value, percent(rate), id);
  }
  assert.ok(overall.counts.orders > 0, "the demo has orders to count");
  // Orders not yet due stand apart from the rates, and every number says what it counts.
  const pending = page.getByTestId("kpi-pending");
  assert.equal(Number(await pending.locator(".kpi-value").textContent()), overall.counts.orders_pending);
  assert.ok(overall.counts.orders_pending > 0, "the demo has orders not yet due");
  assert.match(await page.getByTestId("kpi-pending-note").textContent(), new RegExp(`^${overall.counts.orders} orders? counted`));
  for (const id of ["kpi-pending", "kpi-units", "kpi-lines", "kpi-orders", "kpi-perfect", "kpi-backorders", "kpi-audit"]) {
    const title = await page.getByTestId(id).getAttribute("title");
    assert.ok(title && title.length > 30, `${id} explains itself`);
  }
  if (overall.counts.orders_overdue > 0) {
    assert.match(await page.getByTestId("kpi-overdue").textContent(), new RegExp(`^${overall.counts.orders_overdue} of the misses are late`));
  }
  const backorders = await page.getByTestId("kpi-backorders").locator(".kpi-value").textContent();
  assert.equal(Number(backorders), expected.backorders.orders);
  assert.ok(expected.backorders.orders > 0, "the demo has orders the stock cannot fill");

  for (const chart of ["chart-fill", "chart-backorders", "chart-audit", "chart-throughput"]) {
    await page.getByTestId(chart).waitFor();
    assert.ok((await painted(page, chart)) > 500, `${chart} is drawn`);
  }
  await screenshot(page, "dashboard");

  // Alt+E saves today's work by hour, station and operator.
  const download = page.waitForEvent("download");
  await page.keyboard.press("Alt+e");
  const csv = (await readFile(await (await download).path(), "utf8")).replace(/^\ufeff/, "");
  const lines = csv.trim().split("\r\n");
  assert.equal(lines[0], "Hour (UTC),Station,Operator,Units picked,Orders picked,Orders packed");
  assert.equal(lines.length, 1 + expected.throughput.length);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("fill rates by day and the orders behind a number match the API", async () => {
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("Shift+F6");
  await page.getByTestId("dashboard").waitFor();
  await page.keyboard.press("Alt+2");
  await page.getByTestId("fill-table").waitFor();
  const from = await page.getByTestId("fill-from").inputValue();
  const to = await page.getByTestId("fill-to").inputValue();
  const report = (await backroom.api("fill_rates", { from, to, group_by: ["day"] }, token)).report;

  const all = page.locator('[data-testid="fill-row"][data-key="All"]');
  await all.waitFor();
  assert.equal(await all.locator("td").nth(1).textContent(), String(report.overall.counts.orders));
  assert.equal(await all.getByTestId("fill-pending").textContent(), String(report.overall.counts.orders_pending));
  assert.equal(await all.getByTestId("fill-overdue").textContent(), String(report.overall.counts.orders_overdue));
  assert.match(await page.getByTestId("fill-note").textContent(), /not yet due are pending and left out/);
  assert.equal(await page.getByTestId("fill-row").count(), 1 + report.groupings[0].groups.length);

  // Enter on the selected row (All) lists the orders behind first-time order fill.
  await page.keyboard.press("Enter");
  await page.getByTestId("fill-drill").waitFor();
  const drill = await backroom.api("fill_rate_orders", { from, to, measure: "orders_first_time" }, token);
  assert.equal(await page.getByTestId("drill-short").count(), drill.short.length);
  await page.keyboard.press("Escape");
  await page.getByTestId("fill-drill").waitFor({ state: "detached" });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the stock list finds a product, shows what-ifs and saves as CSV", async () => {
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, "Office", manager);
  await page.keyboard.press("Shift+F6");
  await page.getByTestId("dashboard").waitFor();
  await page.keyboard.press("Alt+3");
  await page.getByTestId("stock-table").waitFor();
  const all = await backroom.api("stock_levels", { text: "", filter: "all", sort: "cover", limit: 1 }, token);
  await page.locator(`[data-testid="stock-summary"][data-total="${all.total}"]`).waitFor();

  const sku = all.rows[0].sku;
  await page.keyboard.type(sku, { delay: 5 });
  await page.locator(`[data-testid="stock-row"][data-sku="${sku}"]`).first().waitFor();
  await page.keyboard.press("Enter");
  await page.getByTestId("what-if").waitFor();
  assert.equal(await page.getByTestId("what-if-row").count(), 4, "1×, 1.2×, 1.5× and a holiday peak");
  // And bin by bin, as the lookup has it.
  const found = await backroom.api("lookup_product", { code: sku }, token);
  if (found.locations.length) {
    await page.getByTestId("what-if-bins").waitFor();
    assert.equal(await page.getByTestId("what-if-bins").locator("tbody tr").count(), found.locations.length);
  }

  const download = page.waitForEvent("download");
  await page.keyboard.press("Alt+e");
  const file = await download;
  const csv = await readFile(await file.path(), "utf8");
  assert.ok(csv.replace(/^\ufeff/, "").startsWith("SKU,Name,Category,On hand,Reserved,Available"), csv.slice(0, 80));
  assert.ok(csv.includes(sku));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
