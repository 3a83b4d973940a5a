// The manager's People and Stations screens, end to end. On People the demo manager adds a
// packer with a badge and a PIN, saves the badge label, signs out, and the packer signs in with
// that badge at a pack station; switched off, the same badge is refused. On Stations the manager
// adds a station, finds the protocol of the scale simulator on its pseudo-terminal, saves, and
// the live panel shows what the simulator weighs, following it when the weight changes. Both
// screens keep their forms and buttons inside 1024x600 and 1366x768. Screenshots:
// tests/e2e/out/admin-*.png.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { focusedTestId, launchChromium, newStationPage, screenshot, signIn, startBackroom, startScale } from "./harness.mjs";
import { assertNoSideways, assertShown, pageOfSize } from "./screens-geometry.mjs";

let backroom;
let browser;
let stations;
let manager;
let token;
const PACK_STATION = "Pack 1";
const NEW_PACKER = { name: "Robin Newhire", badge: "PK-E2E-417", pin: "48151" };

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  manager = backroom.operators.find((op) => op.role === "manager");
  assert.ok(manager, "the demo has a manager");
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  assert.ok(stations.includes(PACK_STATION), `the demo has a station ${PACK_STATION}`);
  token = (await backroom.api("sign_in", { station: "Pick 1", credential: manager.badge })).token;
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

/** Signs the demo manager in at `station` and opens a manager's screen from Manage by its key. */
async function openFromManage(page, station, key, testid) {
  // The sign-in screen numbers the stations as they are now, with any added by an earlier test.
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  await signIn(page, backroom.url, stations, station, manager);
  await page.keyboard.press("F6");
  await page.getByTestId("manage").waitFor();
  await page.keyboard.press(key);
  await page.getByTestId(testid).waitFor();
}

/** Types the badge (a scanner types fast and ends with Enter) on a fresh terminal at `station`. */
async function scanBadge(page, station, badge) {
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  await page.goto(backroom.url);
  await page.getByTestId("station-option").first().waitFor();
  await page.keyboard.press(String(stations.indexOf(station) + 1));
  await page.getByTestId("chosen-station").getByText(station, { exact: true }).waitFor();
  await page.keyboard.type(badge, { delay: 5 });
  await page.keyboard.press("Enter");
}

test("a manager adds a packer, saves the badge label, and the packer signs in with the badge; switched off, it is refused", async () => {
  const page = await newStationPage(browser);
  await openFromManage(page, "Pick 1", "p", "people");
  assert.equal(await focusedTestId(page), "person-name", "the new person's name has focus");

  // The name typed where the focus is, then the role, badge and PIN; Enter adds.
  await page.keyboard.type(NEW_PACKER.name);
  await page.getByTestId("person-role").selectOption("packer");
  await page.getByTestId("person-badge").fill(NEW_PACKER.badge);
  await page.getByTestId("person-pin").fill(NEW_PACKER.pin);
  await page.getByTestId("person-pin").press("Enter");
  await page.getByTestId("people-outcome").getByText(`${NEW_PACKER.name} added as packer.`).waitFor();
  const row = page.locator(`[data-testid="person-row"][data-name="${NEW_PACKER.name}"]`);
  await row.waitFor();
  assert.equal(await focusedTestId(page), "person-name", "ready for the next person");

  const saved = (await backroom.api("list_operators", {}, token)).find((o) => o.name === NEW_PACKER.name);
  assert.deepEqual(
    { role: saved.role, badge: saved.badge, has_pin: saved.has_pin, active: saved.active },
    { role: "packer", badge: NEW_PACKER.badge, has_pin: true, active: true },
  );

  // The badge label: a PDF with the one badge on it (no CUPS printer is needed for that).
  const labels = page.waitForResponse((r) => r.url().endsWith("/api/labels_pdf"));
  const download = page.waitForEvent("download");
  await page.getByTestId(`badge-pdf-${saved.id}`).click();
  const reply = await labels;
  assert.equal(reply.status(), 200);
  const file = await reply.json();
  assert.equal(file.labels, 1, "one badge");
  assert.equal(file.pages, 1);
  assert.match((await download).suggestedFilename(), /\.pdf$/);
  await screenshot(page, "admin-people");

  // Signed out, the new packer's badge signs in at a pack station.
  await page.keyboard.press("F10");
  await page.getByTestId("sign-in").waitFor();
  const packerPage = await newStationPage(browser);
  await scanBadge(packerPage, PACK_STATION, NEW_PACKER.badge);
  await packerPage.getByTestId("home").waitFor();
  assert.equal(await packerPage.getByTestId("header-operator").textContent(), NEW_PACKER.name);
  assert.equal((await packerPage.getByTestId("header-role").textContent()).trim().toLowerCase(), "packer");

  // Switched off on People: the packer's open session ends and the badge is refused.
  const again = await newStationPage(browser);
  await openFromManage(again, "Pick 1", "p", "people");
  await again.getByTestId(`deactivate-${saved.id}`).click();
  await again.getByTestId("people-outcome").getByText("no longer work").waitFor();
  await again.locator(`[data-testid="person-row"][data-name="${NEW_PACKER.name}"]`).getByText("switched off").waitFor();
  await screenshot(again, "admin-people-switched-off");
  await assert.rejects(backroom.api("sign_in", { station: PACK_STATION, credential: NEW_PACKER.pin }), /not_signed_in/);
  const refused = await newStationPage(browser);
  await scanBadge(refused, PACK_STATION, NEW_PACKER.badge);
  await refused.getByTestId("sign-in-error").waitFor();
  assert.equal(await refused.getByTestId("home").count(), 0);
  await screenshot(refused, "admin-badge-refused");

  for (const p of [page, packerPage, again, refused]) {
    assert.deepEqual(p.errors, [], "no errors in the page");
    await p.context().close();
  }
});

/** What the live panel shows for `grams` in the store's unit (grams or kilograms here). */
function shown(grams, unit) {
  const fixed = (n, digits) => n.toLocaleString("en", { maximumFractionDigits: digits });
  if (unit === "kg") return `${fixed(grams / 1000, 3)} kg`;
  assert.equal(unit, "g", "the demo weighs in grams or kilograms");
  return `${fixed(grams, 1)} g`;
}

test("a manager finds the simulator's protocol on Stations and sees its live reading", async () => {
  const scale = await startScale({ protocol: "mt-sics", unit: "g", weight: 1250 });
  try {
    const unit = (await backroom.api("get_settings", {}, token)).store.weight_unit;
    const page = await newStationPage(browser);
    await openFromManage(page, "Pick 1", "s", "stations");
    await page.getByTestId("new-station").click();
    assert.equal(await focusedTestId(page), "station-name");
    await page.keyboard.type("Bench E2E");
    await page.getByTestId("has-scale").check();
    await page.getByTestId("scale-port").fill(scale.device);
    await page.keyboard.press("Alt+d");
    await page.getByTestId("station-outcome").getByText("Found a Mettler Toledo MT-SICS scale").waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId("scale-protocol").inputValue(), "mt-sics");
    assert.equal(await page.getByTestId("scale-baud").inputValue(), "9600");
    await page.keyboard.press("F9");
    await page.getByTestId("station-outcome").getByText("Saved Bench E2E").waitFor();

    // The server watches the port now: the live panel shows the simulator's weight.
    await page.locator('[data-testid="live-reading"][data-state="stable"]').waitFor({ timeout: 15_000 });
    await page.getByTestId("live-weight").getByText(shown(1250, unit), { exact: true }).waitFor();
    await screenshot(page, "admin-stations-live");
    await scale.control("weight 865");
    // A new weight may show in motion first; it settles as the next frames agree.
    await page.waitForFunction(
      (text) =>
        document.querySelector('[data-testid="live-reading"]')?.getAttribute("data-state") === "stable" &&
        document.querySelector('[data-testid="live-weight"]')?.textContent === text,
      shown(865, unit),
      { timeout: 15_000 },
    );
    assert.equal((await page.getByTestId("live-state").textContent()).trim(), "Stable");

    const saved = (await backroom.api("list_stations")).find((s) => s.name === "Bench E2E");
    assert.deepEqual(saved.scale, { port: scale.device, protocol: "mt-sics", baud: 9600, data_bits: 8, parity: "none", stop_bits: 1 });

    // A test page on a queue CUPS does not have: the manager reads why, in red.
    await page.getByTestId("station-printer").fill("Backroom-no-such-queue");
    await page.keyboard.press("Alt+t");
    await page.locator('[data-testid="station-outcome"].fail').waitFor();
    await screenshot(page, "admin-stations-printer");
    assert.deepEqual(page.errors, [], "no errors in the page");
    await page.context().close();
  } finally {
    scale.stop();
  }
});

for (const [width, height] of [
  [1024, 600],
  [1366, 768],
]) {
  test(`People and Stations keep their forms and buttons on a ${width}x${height} screen`, async () => {
    const page = await pageOfSize(browser, width, height);
    await openFromManage(page, "Pick 1", "p", "people");
    await page.locator('[data-testid="person-row"]').first().waitFor();
    for (const [selector, what] of [
      ['[data-testid="person-name"]', "the name field"],
      ['[data-testid="person-role"]', "the role"],
      ['[data-testid="person-badge"]', "the badge field"],
      ['[data-testid="person-pin"]', "the PIN field"],
      ['[data-testid="add-person-button"]', "the Add button"],
      ['[data-testid="person-row"] [data-testid^="reset-pin-"]', "a row's New PIN button"],
    ]) {
      await assertShown(page, selector, what);
    }
    await assertNoSideways(page, "People");
    await screenshot(page, `admin-people-${width}x${height}`);

    await page.keyboard.press("Escape");
    await page.getByTestId("manage").waitFor();
    await page.keyboard.press("s");
    await page.getByTestId("stations").waitFor();
    await page.getByTestId(`station-${PACK_STATION}`).click();
    await page.getByTestId("scale-port").waitFor();
    for (const [selector, what] of [
      [`[data-testid="station-${PACK_STATION}"]`, "the station in the list"],
      ['[data-testid="new-station"]', "New station"],
      ['[data-testid="scale-port"]', "the port field"],
      ['[data-testid="detect-scale"]', "Find the protocol"],
      ['[data-testid="scale-protocol"]', "the protocol"],
    ]) {
      await assertShown(page, selector, what);
    }
    // The rest of the form is reached by scrolling its column; each part then shows whole.
    for (const [selector, what] of [
      ['[data-testid="live-reading"]', "the live reading"],
      ['[data-testid="station-printer"]', "the printer field"],
      ['[data-testid="test-page"]', "the test page button"],
      ['[data-testid="save-station"]', "Save"],
    ]) {
      await page.locator(selector).scrollIntoViewIfNeeded();
      await assertShown(page, selector, what);
    }
    await assertNoSideways(page, "Stations");
    await screenshot(page, `admin-stations-${width}x${height}`);
    assert.deepEqual(page.errors, [], "no errors in the page");
    await page.context().close();
  });
}
