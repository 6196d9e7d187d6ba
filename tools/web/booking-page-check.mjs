// Drives the booking page in headless Chromium (Debian's /usr/bin/chromium through playwright-core; nothing is downloaded):
// sign in with a development token, choose a coach by specialty, book the first open slot, read the booking and its invite,
// cancel it, read the feed link; then, from a page of another origin, call the REST API and gRPC-Web with CORS.
// Environment: WEB (the server's web address), OTHER (a page on another origin), SHOTS (screenshot folder), SPECIALTY,
// COACH (display name), TZ_ID (the browser's time zone). Prints one JSON object with what it saw; exits 1 on a failure.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const { WEB, OTHER, SHOTS, SPECIALTY, COACH, TZ_ID } = process.env;
mkdirSync(SHOTS, { recursive: true });
const seen = { consoleErrors: [], steps: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ timezoneId: TZ_ID, locale: "en-GB", viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.on("console", (message) => { if (message.type() === "error") seen.consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => seen.consoleErrors.push(String(error)));
  let step = 0;
  const shot = async (name) => {
    step += 1;
    const file = `${SHOTS}/${String(step).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path: file, fullPage: true });
    seen.steps.push(file);
  };

  await page.goto(`${WEB}/`);
  await page.getByRole("heading", { name: "Book a coaching call" }).waitFor();
  seen.viewerZone = await page.locator("#viewer-zone").textContent();
  seen.unlabelled = await page.evaluate(() => [...document.querySelectorAll("input, select, textarea")]
    .filter((e) => !e.closest("[hidden]") || true).filter((e) => !(e.labels && e.labels.length > 0)).map((e) => e.id));
  await page.locator("#dev-form").waitFor();
  await shot("loaded");

  await page.getByLabel("User id").fill("page-client");
  await page.getByLabel("Your name").fill("Page Client");
  await page.getByLabel("Your e-mail address (invites go there)").fill("page.client@example.org");
  await page.getByLabel("Your e-mail address (invites go there)").press("Enter"); // the keyboard submits the form
  await page.locator("#signed-in").waitFor();
  await page.locator("#coaches li button").first().waitFor();
  await shot("signed-in");

  await page.getByLabel("Specialty").selectOption(SPECIALTY);
  await page.locator(`#coaches[data-specialty="${SPECIALTY}"][aria-busy="false"]`).waitFor();
  const choose = page.getByRole("button", { name: `Choose ${COACH}` });
  await choose.waitFor();
  seen.coachesShown = await page.locator("#coaches li").count();
  await shot("coach-by-specialty");
  await choose.click();

  const first = page.locator("button.slot").first();
  await first.waitFor();
  seen.slot = { start: await first.getAttribute("data-start"), label: await first.getAttribute("aria-label"), text: await first.innerText() };
  await shot("slots");
  await page.getByLabel("What would you like to talk about?").fill("My CV, from the browser");
  await first.click();
  await page.getByText("Booked:").waitFor();
  seen.booked = await page.locator("#status").textContent();
  const item = page.locator("#bookings li[data-booking]").first();
  await item.waitFor();
  seen.bookingItem = await item.innerText();
  seen.bookingName = await item.getAttribute("data-booking");
  await item.getByRole("button", { name: "Invite (.ics)" }).click();
  const link = item.locator("a.invite");
  await link.waitFor();
  seen.invite = await page.evaluate(async (href) => (await fetch(href)).text(), await link.getAttribute("href"));
  seen.feed = await page.locator("#feed-link").getAttribute("href");
  await shot("booked");

  await item.getByRole("button", { name: "Cancel" }).click();
  await page.getByText("Cancelled.").waitFor();
  await page.locator("#bookings li", { hasText: "cancelled" }).first().waitFor();
  seen.cancelledItem = await page.locator("#bookings li").first().innerText();
  await shot("cancelled");

  // Another origin's page calls the API from its own JavaScript: REST, then gRPC-Web (a hand-built frame: no client library).
  const token = await page.locator("#token").inputValue();
  const other = await context.newPage();
  other.on("console", (message) => { if (message.type() === "error") seen.consoleErrors.push(`other: ${message.text()}`); });
  await other.goto(`${OTHER}/`);
  seen.cors = await other.evaluate(async ({ web, token }) => {
    const rest = await fetch(`${web}/v1/coaches?pageSize=5`, { headers: { authorization: `Bearer ${token}` } });
    const restJson = await rest.json();
    const grpc = await fetch(`${web}/coaching.v1.CoachService/ListCoaches`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
      body: new Uint8Array([0, 0, 0, 0, 0]),
    });
    const bytes = new Uint8Array(await grpc.arrayBuffer());
    const frames = [];
    for (let at = 0; at + 5 <= bytes.length;) {
      const length = new DataView(bytes.buffer, at + 1, 4).getUint32(0);
      frames.push({ flag: bytes[at], body: bytes.slice(at + 5, at + 5 + length) });
      at += 5 + length;
    }
    const text = (b) => new TextDecoder().decode(b);
    return {
      origin: location.origin,
      restStatus: rest.status,
      restCoaches: (restJson.coaches || []).map((c) => c.displayName),
      grpcStatus: grpc.status,
      grpcHeaderStatus: grpc.headers.get("grpc-status"),
      grpcMessage: frames.filter((f) => f.flag === 0).map((f) => text(f.body)).join(""),
      grpcTrailers: frames.filter((f) => f.flag & 0x80).map((f) => text(f.body)).join(""),
    };
  }, { web: WEB, token });
  await other.screenshot({ path: `${SHOTS}/07-other-origin.png` });
  seen.steps.push(`${SHOTS}/07-other-origin.png`);
  console.log(JSON.stringify(seen));
} catch (error) {
  console.log(JSON.stringify({ ...seen, failure: String(error && error.stack || error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
