// The manager's screens in Spanish at 1024x600, the smallest station screen: a manager whose
// language is Spanish signs in, and the Dashboard (each tab), Orders and Stations speak Spanish
// with nothing running off the right edge and no label cut off, though Spanish runs 20–30%
// longer than English; Holds, Settings, Labels and People run nothing off the edge either. On People a manager sets a person's language, and that person's next
// sign-in shows it. Screenshots: tests/e2e/out/es-*.png.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, screenshot, signIn, startBackroom } from "./harness.mjs";
import { assertShown, pageOfSize } from "./screens-geometry.mjs";

let backroom;
let browser;
let stations;
let admin;
const lucia = { name: "Lucía Gómez", badge: "ES-MGR-01", pin: "4821" };

before(async () => {
  backroom = await startBackroom();
  browser = await launchChromium();
  stations = (await backroom.api("list_stations")).map((s) => s.name);
  const manager = backroom.operators.find((op) => op.role === "manager");
  admin = (await backroom.api("sign_in", { station: "Office", credential: manager.badge })).token;
  await backroom.api("save_operator", { ...lucia, role: "manager", active: true, language: "es" }, admin);
});

after(async () => {
  await browser?.close();
  await backroom?.stop();
});

/** Labels whose text is wider or taller than their box, within `selector`: cut off, not wrapped. */
function cutLabels(page, selector) {
  return page.evaluate((selector) => {
    const cut = [];
    for (const root of document.querySelectorAll(selector)) {
      for (const el of [root, ...root.querySelectorAll("*")]) {
        if (el.closest(".scroll") && el.closest(".scroll") !== el) continue;
        const style = getComputedStyle(el);
        if (style.overflow === "visible" && style.textOverflow !== "ellipsis") {
          // Text that spills out of a visible box shows as running over its neighbours.
          const parent = el.parentElement?.getBoundingClientRect();
          const r = el.getBoundingClientRect();
          if (parent && el.children.length === 0 && el.textContent.trim() && r.right > parent.right + 1 && style.display !== "inline") {
            cut.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" spills ${Math.round(r.right - parent.right)}px`);
          }
        } else if (el.scrollWidth > el.clientWidth + 1 && el.children.length === 0 && el.textContent.trim()) {
          cut.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" is cut`);
        }
      }
    }
    return cut;
  }, selector);
}

/** Asserts the screen below the header runs nothing off the right edge: the screen itself and
 *  every list in it that scrolls on its own. */
async function assertNoSideways(page, what) {
  const wide = await page.evaluate(() => {
    const checked = [document.querySelector("main"), ...document.querySelectorAll("main section, main .scroll")];
    return checked
      .filter((el) => el && el.scrollWidth > el.clientWidth)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${el.scrollWidth} > ${el.clientWidth}`);
  });
  assert.deepEqual(wide, [], `${what}: nothing is wider than the screen`);
}

async function home(page) {
  await page.getByTestId("nav-home").click();
  await page.getByTestId("home").waitFor();
}

test("a Spanish-speaking manager's Dashboard, Orders and Stations fit at 1024x600", async () => {
  const page = await pageOfSize(browser, 1024, 600);
  await signIn(page, backroom.url, stations, "Office", lucia);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "es");

  await page.keyboard.press("Shift+F6");
  await page.getByTestId("kpi-units").waitFor();
  await page.waitForTimeout(300);
  assert.match(await page.getByTestId("tab-overview").textContent(), /^Resumen/);
  assert.match(await page.getByTestId("kpi-units").textContent(), /Unidades servidas/);
  assert.match(await page.getByTestId("chart-fill").textContent(), /Cumplimiento al primer envío por día/);
  await assertNoSideways(page, "the Spanish overview");
  assert.deepEqual(await cutLabels(page, ".kpi, .tabs"), [], "no KPI or tab label is cut off");
  for (const tab of ["overview", "fill", "stock", "manifest"]) await assertShown(page, `[data-testid="tab-${tab}"]`, `the ${tab} tab`);
  await screenshot(page, "es-dashboard");
  for (const tab of ["fill", "stock", "manifest"]) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.waitForTimeout(500);
    await screenshot(page, `es-dashboard-${tab}`);
    await assertNoSideways(page, `the Spanish ${tab} tab`);
    assert.deepEqual(await cutLabels(page, ".controls, .head"), [], `no control of the ${tab} tab is cut off`);
    if (tab === "stock") assert.match(await page.getByTestId("stock-export").textContent(), /^Guardar como CSV/);
  }

  await home(page);
  await page.keyboard.press("F2");
  await page.getByTestId("orders-table").waitFor();
  await page.waitForTimeout(300);
  await screenshot(page, "es-orders");
  assert.match(await page.getByTestId("chip-all").textContent(), /^Todos/);
  assert.match(await page.getByTestId("chip-held").textContent(), /^Retenido/);
  assert.match(await page.getByTestId("orders-table").locator("th").first().textContent(), /Pedido/);
  await assertNoSideways(page, "the Spanish Orders screen");
  for (const chip of await page.locator(".chips button").all()) {
    await assertShown(page, `[data-testid="${await chip.getAttribute("data-testid")}"]`, "a filter chip");
  }

  await home(page);
  await page.keyboard.press("F6");
  await page.getByTestId("manage").waitFor();
  assert.match(await page.getByTestId("check-ledger").textContent(), /Comprobar el registro de stock/);
  await page.getByTestId("open-stations").click();
  await page.getByTestId("stations").waitFor();
  await page.getByTestId("station-name").waitFor();
  await page.waitForTimeout(300);
  await screenshot(page, "es-stations");
  assert.match(await page.getByTestId("new-station").textContent(), /Puesto nuevo/);
  await assertNoSideways(page, "the Spanish Stations screen");
  assert.deepEqual(await cutLabels(page, ".station-list, legend, .row label"), [], "no station, legend or field label is cut off");
  for (const button of ["new-station", "station-name"]) await assertShown(page, `[data-testid="${button}"]`, button);
  await page.getByTestId("has-scale").check();
  await page.waitForTimeout(200);
  await screenshot(page, "es-stations-scale");
  await assertNoSideways(page, "the Spanish Stations screen with a scale");
  for (const id of ["detect-scale", "scale-protocol", "scale-parity", "scale-stop-bits"]) {
    await page.getByTestId(id).scrollIntoViewIfNeeded();
    await assertShown(page, `[data-testid="${id}"]`, id);
  }

  // The other manager's screens: Holds, Settings, Labels and People.
  for (const [name, open] of [
    ["holds", "Shift+F2"],
    ["settings", "F7"],
  ]) {
    await home(page);
    await page.keyboard.press(open);
    await page.getByTestId(name).waitFor();
    await page.waitForTimeout(400);
    await screenshot(page, `es-${name}`);
    await assertNoSideways(page, `the Spanish ${name} screen`);
  }
  for (const name of ["labels", "people"]) {
    await home(page);
    await page.keyboard.press("F6");
    await page.getByTestId(`open-${name}`).click();
    await page.getByTestId(name).waitFor();
    await page.waitForTimeout(400);
    await screenshot(page, `es-${name}`);
    await assertNoSideways(page, `the Spanish ${name} screen`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a manager sets a person's language on People, and their next sign-in speaks it", async () => {
  const page = await pageOfSize(browser, 1024, 600);
  const manager = backroom.operators.find((op) => op.role === "manager");
  await signIn(page, backroom.url, stations, "Office", manager);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await page.keyboard.press("F6");
  await page.getByTestId("manage").waitFor();
  await page.keyboard.press("p");
  await page.getByTestId("people-list").waitFor();

  const picker = backroom.operators.find((op) => op.role === "picker");
  const row = page.locator(`[data-testid="person-row"][data-name="${picker.name}"]`);
  await row.locator("[data-testid^='language-of-']").selectOption("es");
  await page.getByTestId("people-outcome").getByText(`${picker.name} now sees the screens in Español.`).waitFor();
  const saved = (await backroom.api("list_operators", {}, admin)).find((op) => op.name === picker.name);
  assert.equal(saved.language, "es");

  // Someone new starts in the language chosen in the form.
  await page.getByTestId("person-name").fill("Ana Ruiz");
  await page.getByTestId("person-language").selectOption("es");
  await page.getByTestId("person-pin").fill("5931");
  await page.keyboard.press("Enter");
  await page.getByTestId("people-outcome").getByText("Ana Ruiz added as picker.").waitFor();
  const ana = (await backroom.api("list_operators", {}, admin)).find((op) => op.name === "Ana Ruiz");
  assert.equal(ana.language, "es");
  await screenshot(page, "es-people-language");
  await page.context().close();

  const floor = await pageOfSize(browser, 1024, 600);
  await signIn(floor, backroom.url, stations, stations.find((s) => s !== "Office") ?? "Office", picker);
  assert.equal(await floor.evaluate(() => document.documentElement.lang), "es");
  await floor.context().close();
});
