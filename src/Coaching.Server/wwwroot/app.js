// The booking page: plain JavaScript over the public REST API (the same calls any client app makes), no build step.
const $ = (id) => document.getElementById(id);
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let token = "";
let subject = "";
let offeringsByName = new Map();

function say(text, error = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    throw new Error(json.message || `${response.status} ${response.statusText}`);
  }
  return json;
}

function subjectOf(jwt) {
  const part = jwt.split(".")[1] || "";
  const payload = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=")));
  return payload.sub;
}

const timeIn = (instant, zone) => new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(new Date(instant));
const dayIn = (instant, zone) => new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: "long", day: "numeric", month: "long" }).format(new Date(instant));
const when = (instant, zone) => `${dayIn(instant, viewerZone)}, ${timeIn(instant, viewerZone)}` +
  (zone && zone !== viewerZone ? ` (${timeIn(instant, zone)} for the coach, ${zone})` : "");

function element(tag, { dataset = {}, ...properties } = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  Object.assign(node.dataset, dataset);
  node.append(...children);
  return node;
}

async function signIn(jwt) {
  try {
    subject = subjectOf(jwt.trim());
  } catch {
    say("That is not a JWT: it should be three base64url parts separated by dots.", true);
    return;
  }
  token = jwt.trim();
  $("subject").textContent = subject;
  $("signed-in").hidden = false;
  for (const id of ["find", "mine-section"]) $(id).hidden = false;
  try {
    await Promise.all([loadCoaches(""), loadBookings(), loadFeed()]);
    say(`Signed in as ${subject}.`);
  } catch (error) {
    say(error.message, true);
  }
}

async function loadCoaches(specialty) {
  const query = new URLSearchParams({ pageSize: "100" });
  if (specialty) query.set("specialty", specialty);
  $("coaches").ariaBusy = "true";
  const { coaches = [] } = await api("GET", `/v1/coaches?${query}`);
  if (!specialty) {
    const known = [...new Set(coaches.flatMap((c) => c.specialties || []))].sort();
    $("specialty").replaceChildren(element("option", { value: "", textContent: "Any specialty" }),
      ...known.map((s) => element("option", { value: s, textContent: s })));
  }
  $("coaches").replaceChildren(...coaches.map((coach) => element("li", {},
    element("strong", { textContent: coach.displayName }), ` (${(coach.specialties || []).join(", ") || "no specialty listed"}; ${coach.timeZone}) `,
    element("button", { type: "button", textContent: `Choose ${coach.displayName}`, onclick: () => chooseCoach(coach) }))));
  if (coaches.length === 0) $("coaches").append(element("li", { textContent: "No coach offers this specialty yet." }));
  $("coaches").dataset.specialty = specialty;
  $("coaches").ariaBusy = "false";
}

async function chooseCoach(coach) {
  try {
    const { offerings = [] } = await api("GET", `/v1/${coach.name}/offerings?pageSize=100`);
    offeringsByName = new Map(offerings.map((o) => [o.name, o]));
    $("coach-name").textContent = coach.displayName;
    $("offering").replaceChildren(...offerings.map((o) => element("option", { value: o.name, textContent: `${o.title} (${Math.round(parseFloat(o.duration) / 60)} minutes)` })));
    $("slots-section").hidden = false;
    await loadSlots();
    $("offering").focus();
  } catch (error) {
    say(error.message, true);
  }
}

async function loadSlots() {
  const offering = $("offering").value;
  if (!offering) {
    $("slots").replaceChildren(element("p", { textContent: "This coach has no sessions to book yet." }));
    return;
  }
  const start = new Date();
  const end = new Date(start.getTime() + 7 * 24 * 3600 * 1000);
  const query = new URLSearchParams({ startTime: start.toISOString(), endTime: end.toISOString(), viewerTimeZone: viewerZone });
  const { slots = [], coachTimeZone } = await api("GET", `/v1/${offering}:listAvailableSlots?${query}`);
  const days = new Map();
  for (const slot of slots) {
    const day = dayIn(slot.startTime, viewerZone);
    if (!days.has(day)) days.set(day, []);
    days.get(day).push(slot);
  }
  $("slots").replaceChildren(...[...days].map(([day, list]) => element("div", { className: "day" },
    element("h3", { textContent: day }),
    element("div", { className: "times" }, ...list.map((slot) => element("button", {
      type: "button", className: "slot", onclick: () => book(offering, slot.startTime, coachTimeZone), dataset: { start: slot.startTime },
      ariaLabel: `Book ${when(slot.startTime, coachTimeZone)}`,
    }, timeIn(slot.startTime, viewerZone), element("span", { className: "coach-time", textContent: `${timeIn(slot.startTime, coachTimeZone)} coach` })))))));
  if (slots.length === 0) $("slots").replaceChildren(element("p", { textContent: "No open times in the next 7 days." }));
}

async function book(offering, startTime, coachZone) {
  try {
    const booking = await api("POST", `/v1/bookings?requestId=${crypto.randomUUID()}`, { offering, startTime, agenda: $("agenda").value });
    await Promise.all([loadBookings(), loadSlots()]);
    say(`Booked: ${when(booking.startTime, coachZone)}.`); // after the lists show it
  } catch (error) {
    say(error.message, true);
  }
}

async function loadBookings() {
  const query = new URLSearchParams({ client: `users/${subject}`, pageSize: "50" });
  const { bookings = [] } = await api("GET", `/v1/bookings?${query}`);
  $("bookings").replaceChildren(...bookings.map((b) => {
    const state = b.state.replace("BOOKING_STATE_", "").toLowerCase().replace("_", " ");
    const item = element("li", { dataset: { booking: b.name } }, element("strong", { textContent: when(b.startTime, b.coachTimeZone) }), ` — ${state} `);
    if (b.state === "BOOKING_STATE_PENDING" || b.state === "BOOKING_STATE_CONFIRMED") {
      item.append(element("button", { type: "button", className: "secondary", textContent: "Cancel", onclick: () => cancel(b) }));
    }
    item.append(" ", element("button", { type: "button", className: "secondary", textContent: "Invite (.ics)", onclick: () => invite(b, item) }));
    return item;
  }));
  if (bookings.length === 0) $("bookings").append(element("li", { textContent: "No bookings yet." }));
}

async function cancel(booking) {
  try {
    await api("POST", `/v1/${booking.name}:cancel`, { etag: booking.etag, reason: "Cancelled on the booking page" });
    await Promise.all([loadBookings(), $("offering").value ? loadSlots() : null]);
    say("Cancelled. The coach has been told."); // after the list shows it
  } catch (error) {
    say(error.message, true);
  }
}

async function invite(booking, item) {
  try {
    const { invites = [] } = await api("GET", `/v1/${booking.name}/invites`);
    const latest = invites.at(-1);
    const bytes = Uint8Array.from(atob(latest.content), (c) => c.charCodeAt(0));
    const link = element("a", { href: URL.createObjectURL(new Blob([bytes], { type: "text/calendar" })), download: `${booking.name.split("/")[1]}.ics`,
      className: "invite", textContent: "Download the invite" });
    item.querySelector("a.invite")?.remove();
    item.append(" ", link);
    link.focus();
  } catch (error) {
    say(error.message, true);
  }
}

async function loadFeed() {
  const feed = await api("GET", `/v1/users/${subject}/feed`);
  $("feed-link").href = feed.url;
  $("feed-link").textContent = "your calendar feed";
}

$("viewer-zone").textContent = viewerZone;
$("token-form").addEventListener("submit", (event) => { event.preventDefault(); signIn($("token").value); });
$("specialty").addEventListener("change", () => loadCoaches($("specialty").value).catch((error) => say(error.message, true)));
$("offering").addEventListener("change", () => loadSlots().catch((error) => say(error.message, true)));
$("dev-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/dev/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ subject: $("dev-subject").value, name: $("dev-name").value || null, email: $("dev-email").value || null }),
  });
  if (!response.ok) {
    say(`No token: ${await response.text()}`, true);
    return;
  }
  const { token: minted } = await response.json();
  $("token").value = minted;
  await signIn(minted);
});
fetch("/web/config").then((r) => r.json()).then((config) => { $("dev-form").hidden = !config.developmentTokens; });
