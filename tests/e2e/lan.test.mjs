// The web UI against a host in LAN mode (`backroom serve --lan`, HTTPS with its self-made
// certificate). A browser pairs with the host by typing the code a manager made, compares the
// fingerprint the Join screen shows with the one the host printed, and a picker walks a pick
// list over HTTPS. When a manager revokes the browser, its next call says to pair again. When
// the host is killed, a banner says it cannot be reached and a scan is refused with those words
// rather than "not found"; when the host is back, the banner goes and the screen carries on.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, screenshot, startBackroom } from "./harness.mjs";

let backroom;
let browser;
let admin;
let picker;

before(async () => {
  backroom = await startBackroom({ lan: true });
  browser = await launchChromium();
  const manager = backroom.operators.find((op) => op.role === "manager");
  picker = backroom.operators.find((op) => op.role === "picker");
  assert.ok(manager && picker, "the demo has a manager and a picker");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

/** A page that accepts the host's self-made certificate: the fingerprint is what the test trusts. */
async function lanPage(width, height) {
  const context = await browser.newContext({ viewport: { width, height }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(error.message));
  return page;
}

/** Asserts `testid` lies wholly inside the page's viewport. */
async function insideViewport(page, testid) {
  const box = await page.getByTestId(testid).boundingBox();
  const { width, height } = page.viewportSize();
  assert.ok(box, `${testid} is shown`);
  assert.ok(
    box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5,
    `${testid} fits the ${width}x${height} screen: ${JSON.stringify(box)}`,
  );
  return box;
}

async function typeCode(page, code) {
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "join-code");
  // As a person types it: lower case, no dash.
  await page.keyboard.type(code.replace("-", "").toLowerCase(), { delay: 5 });
  await page.keyboard.press("Enter");
}

async function openJoin(page) {
  await page.goto(backroom.url);
  await page.getByTestId("sign-in").waitFor();
  await page.getByTestId("sign-in-join").click();
  await page.getByTestId("join-form").waitFor();
}

const storedKey = (page) => page.evaluate(() => localStorage.getItem("backroom.stationKey"));

async function scan(page, testid, text) {
  await page.waitForFunction((id) => document.activeElement?.getAttribute("data-testid") === id, testid);
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press("Enter");
}

test("the host serves HTTPS and prints the fingerprint stations compare", async () => {
  assert.match(backroom.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  assert.match(backroom.fingerprint, /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
  const reply = await fetch(`${backroom.loopbackUrl}api/health`);
  assert.equal(reply.status, 200, "loopback stays plain HTTP for the host's own browsers");
});

test("a handheld that sees another fingerprint says No: nothing is kept, and it is told what to do", async () => {
  const page = await lanPage(360, 640);
  await openJoin(page);
  assert.equal(await page.getByTestId("join-host").count(), 0, "a browser is already on the host");
  await insideViewport(page, "join-form");
  await insideViewport(page, "join-continue");
  await screenshot(page, "join-form-360");

  // A code with a typo is refused before it reaches the host.
  await typeCode(page, "ABC-DEFG");
  assert.match((await page.getByTestId("join-error").textContent()) ?? "", /eight letters and digits/);

  await page.getByTestId("join-code").fill("");
  await typeCode(page, await backroom.pairingCode("Receiving"));
  await page.getByTestId("join-fingerprint").waitFor();
  assert.equal(await page.getByTestId("join-fingerprint").getAttribute("data-fingerprint"), backroom.fingerprint);
  await insideViewport(page, "join-fingerprint");
  await insideViewport(page, "join-same");
  await screenshot(page, "join-fingerprint-360");
  await page.keyboard.press("n");
  const refusal = (await page.getByTestId("join-error").textContent()) ?? "";
  assert.match(refusal, /Not paired: the fingerprints differ/);
  assert.match(refusal, /revoke the station Receiving/);
  assert.equal(await storedKey(page), null, "a key the person did not confirm is not kept");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a browser pairs by its code, a picker walks a list over HTTPS, and a revoked browser is told to pair again", async () => {
  const page = await lanPage(1366, 768);
  const station = "Pick 1";
  await openJoin(page);
  assert.equal(await focusedTestId(page), "join-code", "the code field waits for the scanner");
  await insideViewport(page, "join-form");
  await screenshot(page, "join-form-1366");

  await typeCode(page, await backroom.pairingCode(station));
  const shown = page.getByTestId("join-fingerprint");
  await shown.waitFor();
  // Both what the screen says and what it reads aloud are the host's fingerprint.
  assert.equal(await shown.getAttribute("data-fingerprint"), backroom.fingerprint);
  const lines = (await shown.innerText()).split("\n").map((l) => l.trim()).filter(Boolean);
  assert.equal(lines.length, 4, "four lines of four groups");
  assert.equal(lines.join(" "), backroom.fingerprint);
  assert.match((await page.getByTestId("join-station").textContent()) ?? "", /Pick 1/);
  await screenshot(page, "join-fingerprint-1366");
  await page.keyboard.press("y");

  // Paired: the sign-in screen of that station, the key kept, and the host lists the browser.
  await page.getByTestId("chosen-station").getByText(station, { exact: true }).waitFor();
  assert.match((await storedKey(page)) ?? "", /^[0-9a-f]{64}$/);
  const paired = await backroom.api("list_paired_stations", {}, admin);
  assert.ok(paired.some((p) => p.station === station && p.kind === "browser" && !p.revoked_at), JSON.stringify(paired));
  assert.equal(await page.getByTestId("sign-in-join").count(), 0, "a paired browser is not offered pairing");

  await page.keyboard.type(picker.badge);
  await page.keyboard.press("Enter");
  await page.getByTestId("home").waitFor();

  // Take the next list and pick every stop by scanning its bin and product.
  await page.keyboard.press("F3");
  await page.getByTestId("pick-take").waitFor();
  await page.keyboard.type("2", { delay: 5 });
  await page.keyboard.press("Alt+n");
  await page.getByTestId("pick-map").waitFor();
  const mine = (await backroom.api("list_pick_lists", {}, admin)).find((l) => l.taken_by === picker.name && l.status !== "done");
  assert.ok(mine, "the picker took a list");
  const planned = await backroom.api("get_pick_list", { id: mine.id }, admin);
  for (let round = 0; round < 200; round++) {
    const view = await backroom.api("get_pick_list", { id: mine.id }, admin);
    const stop = view.stops.find((s) => s.qty > 0);
    if (!stop) break;
    await page.waitForFunction(
      ({ bin, sku }) => {
        const el = document.querySelector('[data-testid="pick-current"]');
        return el?.getAttribute("data-bin") === bin && el?.getAttribute("data-sku") === sku;
      },
      { bin: stop.bin, sku: stop.sku },
    );
    if ((await page.getByTestId("pick-current").getAttribute("data-step")) === "bin") {
      await scan(page, "pick-input", stop.bin);
      await page.waitForFunction(() => document.querySelector('[data-testid="pick-current"]')?.getAttribute("data-step") === "product");
    }
    for (let n = 1; n <= stop.qty; n++) {
      await scan(page, "pick-input", stop.sku);
      await page.waitForFunction(
        ({ bin, sku, order, picked }) => {
          const row = document.querySelector(`[data-testid="pick-stop"][data-bin="${bin}"][data-sku="${sku}"][data-order="${order}"]`);
          return row?.getAttribute("data-picked") === String(picked) || document.querySelector('[data-testid="pick-lists"]') !== null;
        },
        { ...stop, picked: stop.picked + n },
      );
    }
  }
  await page.getByTestId("pick-lists").waitFor();
  for (const o of planned.orders) {
    const order = await backroom.api("get_order", { number: o.number }, admin);
    assert.equal(order.status, "picked", `${o.number} was picked over HTTPS`);
  }
  const moves = await backroom.api("list_movements", { location: planned.stops[0].bin, limit: 1000 }, admin);
  assert.ok(moves.some((m) => m.kind === "pick" && m.station === station && m.operator === picker.name), "the picks name the paired station");

  // A manager revokes the browser: its next call is refused and it says to pair again.
  await backroom.api("revoke_station", { station }, admin);
  await page.keyboard.press("F1");
  await page.getByTestId("lookup").waitFor();
  await scan(page, "lookup-input", planned.stops[0].sku);
  const notice = page.getByTestId("join-notice");
  await notice.waitFor();
  assert.equal(await notice.textContent(), "This browser was removed by a manager; pair it again.");
  assert.equal(await storedKey(page), null, "the refused key is forgotten");
  await page.getByTestId("join-form").waitFor();
  await screenshot(page, "join-removed-1366");
  // Opened again with a key the host does not know, the browser asks to be paired again
  // rather than saying the host is away.
  await page.evaluate(() => localStorage.setItem("backroom.stationKey", "f".repeat(64)));
  await page.reload();
  await page.getByTestId("join-notice").waitFor();
  assert.equal(await storedKey(page), null);
  assert.equal(await page.getByTestId("unreachable").count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the host killed and restarted: a banner, scans refused in its words, nothing queued, then the screen carries on", async () => {
  const page = await lanPage(1366, 768);
  const station = "Pick 2";
  await backroom.pairBrowser(page, station);
  await page.keyboard.type(picker.badge);
  await page.keyboard.press("Enter");
  await page.getByTestId("home").waitFor();

  // A picker at the first stop of a new list, the bin scanned.
  await page.keyboard.press("F3");
  await page.getByTestId("pick-take").waitFor();
  await page.keyboard.type("1", { delay: 5 });
  await page.keyboard.press("Alt+n");
  await page.getByTestId("pick-map").waitFor();
  const list = (await backroom.api("list_pick_lists", {}, admin)).find((l) => l.taken_by === picker.name && l.status !== "done");
  const stop = (await backroom.api("get_pick_list", { id: list.id }, admin)).stops.find((s) => s.qty > 0);
  await scan(page, "pick-input", stop.bin);
  await page.waitForFunction(() => document.querySelector('[data-testid="pick-current"]')?.getAttribute("data-step") === "product");
  assert.equal(await page.getByTestId("host-banner").count(), 0, "no banner while the host answers");

  // The host dies. The product scan is refused with the banner's words, after the write was
  // tried again a few times under one request id.
  await backroom.kill();
  await scan(page, "pick-input", stop.sku);
  const banner = page.getByTestId("host-banner");
  await banner.waitFor();
  assert.equal(await banner.getAttribute("data-state"), "unreachable");
  assert.match((await banner.textContent()) ?? "", /Cannot reach the host — reconnecting….*network cable/);
  await page.waitForFunction(() => /Cannot reach the host — reconnecting…/.test(document.querySelector('[data-testid="pick-error"]')?.textContent ?? ""), null, { timeout: 20_000 });
  const wide = await insideViewport(page, "host-banner");
  assert.ok(wide.y < 120 && wide.height >= 44, `the banner is large and at the top: ${JSON.stringify(wide)}`);
  // One line on a station screen: what is wrong, then what to check.
  const title = await banner.locator(".title").boundingBox();
  const check = await banner.locator(".check").boundingBox();
  assert.ok(check.x > title.x + title.width && check.y < title.y + title.height, `one line: ${JSON.stringify({ title, check })}`);
  await screenshot(page, "host-banner-pick-1366");

  // A look-up meanwhile says the host is away, not "not found".
  await page.keyboard.press("F1");
  await page.getByTestId("lookup").waitFor();
  await scan(page, "lookup-input", stop.sku);
  const error = page.getByTestId("lookup-error");
  await error.waitFor();
  const refused = (await error.textContent()) ?? "";
  assert.match(refused, /Cannot reach the host — reconnecting…/);
  assert.doesNotMatch(refused, /not found/i, "a scan while the host is away is not 'not found'");
  await insideViewport(page, "host-banner");
  await screenshot(page, "host-banner-1366");

  // The same on a handheld.
  await page.setViewportSize({ width: 360, height: 640 });
  const small = await insideViewport(page, "host-banner");
  assert.ok(small.y < 120, `the banner stays at the top: ${JSON.stringify(small)}`);
  await screenshot(page, "host-banner-360");
  await page.setViewportSize({ width: 1366, height: 768 });

  // The host comes back: the banner goes by itself, the look-up finds the product, and the
  // refused pick was not kept to be sent later: the stop has only what is scanned now.
  await backroom.restart();
  await banner.waitFor({ state: "detached", timeout: 20_000 });
  await scan(page, "lookup-input", stop.sku);
  await page.getByTestId("product").waitFor();
  assert.equal(await page.getByTestId("product-sku").textContent(), stop.sku);
  const unchanged = (await backroom.api("get_pick_list", { id: list.id }, admin)).stops.find((s) => s.bin === stop.bin && s.sku === stop.sku && s.order === stop.order);
  assert.equal(unchanged.picked, stop.picked, "nothing was picked while the host was away");

  await page.keyboard.press("F3");
  await page.getByTestId("pick").waitFor();
  await page.getByTestId("pick-take").or(page.getByTestId("pick-current")).first().waitFor();
  if ((await page.getByTestId("pick-current").count()) === 0) {
    // Back at the lists: the picker's unfinished list is handed back.
    await page.keyboard.press("Alt+n");
  }
  await page.waitForFunction(({ bin, sku }) => {
    const el = document.querySelector('[data-testid="pick-current"]');
    return el?.getAttribute("data-bin") === bin && el?.getAttribute("data-sku") === sku;
  }, stop);
  if ((await page.getByTestId("pick-current").getAttribute("data-step")) === "bin") await scan(page, "pick-input", stop.bin);
  await page.waitForFunction(() => document.querySelector('[data-testid="pick-current"]')?.getAttribute("data-step") === "product");
  await scan(page, "pick-input", stop.sku);
  await page.waitForFunction((stop) => {
    const row = document.querySelector(`[data-testid="pick-stop"][data-bin="${stop.bin}"][data-sku="${stop.sku}"][data-order="${stop.order}"]`);
    return row?.getAttribute("data-picked") === String(stop.picked + 1) || document.querySelector('[data-testid="pick-lists"]') !== null;
  }, stop);
  const after = (await backroom.api("get_pick_list", { id: list.id }, admin)).stops.find((s) => s.bin === stop.bin && s.sku === stop.sku && s.order === stop.order);
  assert.equal(after.picked, stop.picked + 1, "the scan after the host came back picked exactly one");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
