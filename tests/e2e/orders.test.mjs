// The orders screen lists the demo's orders with per-status counts, the held chip shows only
// held orders, and Enter opens the selected order's detail.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, newStationPage, screenshot, signIn, startBackroom } from "./harness.mjs";

let backroom;
let browser;
let stations;
let token;
let operator;
let station;

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  operator = backroom.operators.find((op) => op.role === "picker");
  assert.ok(operator, "the demo has a picker");
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  station = stations.find((name) => /pick/i.test(name)) ?? stations[0];
  token = (await backroom.api("sign_in", { station, credential: operator.badge })).token;
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const shownNumbers = (page) => page.getByTestId("order-row").evaluateAll((trs) => trs.map((tr) => tr.dataset.number));

test("the orders screen lists orders, and the held filter shows held orders", async () => {
  const all = await backroom.api("list_orders", { text: "", limit: 200 }, token);
  const held = await backroom.api("list_orders", { text: "", status: "held", limit: 200 }, token);
  assert.ok(all.rows.length > 0, "the demo has orders");
  assert.ok(held.rows.length > 0, "the demo has held orders");

  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, station, operator);
  await page.keyboard.press("F2");
  await page.getByTestId("orders-table").waitFor();
  await page.getByTestId("order-row").first().waitFor();
  assert.equal(await focusedTestId(page), "orders-filter");
  assert.deepEqual(await shownNumbers(page), all.rows.map((r) => r.number));

  // Every chip's count is the server's count.
  for (const { status, count } of all.counts) {
    assert.equal(await page.getByTestId(`chip-${status}`).getAttribute("data-count"), String(count), status);
  }
  const sum = all.counts.reduce((a, c) => a + c.count, 0);
  assert.equal(await page.getByTestId("chip-all").getAttribute("data-count"), String(sum));
  await screenshot(page, "orders");

  await page.getByTestId("chip-held").click();
  await page.waitForFunction(
    (n) => {
      const rows = [...document.querySelectorAll('[data-testid="order-row"]')];
      return rows.length === n && rows.every((r) => r.dataset.status === "held");
    },
    held.rows.length,
  );
  assert.deepEqual(await shownNumbers(page), held.rows.map((r) => r.number));
  // The click on the chip must not have taken focus from the filter input.
  assert.equal(await focusedTestId(page), "orders-filter");
  await screenshot(page, "orders-held");

  // Enter opens the selected (first) held order.
  const first = await backroom.api("get_order", { number: held.rows[0].number }, token);
  await page.keyboard.press("Enter");
  const detail = page.getByTestId("order-detail");
  await detail.waitFor();
  assert.equal(await page.getByTestId("detail-number").textContent(), first.number);
  assert.match((await page.getByTestId("detail-status").textContent()) ?? "", /held/i);
  assert.equal(await page.getByTestId("detail-line").count(), first.lines.length);
  assert.match((await page.getByTestId("detail-customer").textContent()) ?? "", new RegExp(literal(first.customer.name)));
  // A held order says why it is held.
  const why = first.history.findLast((h) => h.to === "held").reason;
  assert.match((await page.getByTestId("detail-reason").textContent()) ?? "", new RegExp(literal(why)));
  await screenshot(page, "order-detail");

  // Esc: back to the held list, then all orders, then home.
  await page.keyboard.press("Escape");
  await page.getByTestId("orders-table").waitFor();
  await page.keyboard.press("Escape");
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="order-row"]').length === n, all.rows.length);
  await page.keyboard.press("Escape");
  await page.getByTestId("home").waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("typing an order number and Enter opens that order", async () => {
  const all = await backroom.api("list_orders", { text: "", limit: 200 }, token);
  const target = all.rows[all.rows.length - 1];
  const page = await newStationPage(browser);
  await signIn(page, backroom.url, stations, station, operator);
  await page.keyboard.press("F2");
  await page.getByTestId("order-row").first().waitFor();
  await page.keyboard.type(target.number, { delay: 5 });
  await page.keyboard.press("Enter");
  await page.getByTestId("order-detail").waitFor();
  assert.equal(await page.getByTestId("detail-number").textContent(), target.number);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
