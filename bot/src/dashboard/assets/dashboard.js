// Bridgeport dashboard: the little a browser does beyond showing the server's pages.
// Every page works without it for reading; it adds the deploy confirm dialog, tests a form in
// place (a typed password stays where it is), and the live plan view.

const parse = (html) => new DOMParser().parseFromString(html, "text/html");

/** Replaces each element that has the same id in `doc`, keeping <details> the reader opened. */
function swapFrom(doc, selector) {
  for (const fresh of doc.querySelectorAll(selector)) {
    const current = fresh.id && document.getElementById(fresh.id);
    if (!current) continue;
    const open = new Set([...current.querySelectorAll("details[open][id]")].map((d) => d.id));
    current.replaceWith(fresh);
    for (const id of open) document.getElementById(id)?.setAttribute("open", "");
  }
}

// Confirm dialogs: a link with data-dialog opens the confirm part of the page it points to in a
// modal dialog; without this script the link opens that page itself.
const dialog = document.getElementById("dialog");
let opener = null;
document.addEventListener("click", async (event) => {
  const link = event.target.closest?.("a[data-dialog]");
  if (!link || !dialog || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const response = await fetch(link.href, { headers: { accept: "text/html" } });
  const content = parse(await response.text()).querySelector("[data-dialog-content]");
  if (!content) {
    window.location.href = link.href;
    return;
  }
  opener = link;
  dialog.replaceChildren(content);
  const title = content.querySelector("h1, h2");
  if (title?.id) dialog.setAttribute("aria-labelledby", title.id);
  dialog.showModal();
  (dialog.querySelector("[autofocus]") ?? dialog.querySelector("button, a, input"))?.focus();
});
dialog?.addEventListener("click", (event) => {
  if (event.target.closest?.("[data-close]")) {
    event.preventDefault();
    dialog.close();
  }
});
dialog?.addEventListener("close", () => {
  dialog.replaceChildren();
  opener?.focus();
  opener = null;
});

// Test in place: a button with data-swap-submit sends its form in the background and takes the
// answer's [data-swap] parts (the verdict, each field's message); what was typed stays.
document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("button[data-swap-submit]");
  if (!button?.form) return;
  event.preventDefault();
  const form = button.form;
  const body = new URLSearchParams(new FormData(form));
  body.set(button.name, button.value);
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(form.action, { method: "POST", body });
    swapFrom(parse(await response.text()), "[data-swap]");
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
});

// Forms whose action cannot be undone ask first.
document.addEventListener("submit", (event) => {
  const question = event.submitter?.dataset.confirm ?? event.target.dataset?.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// The live plan view: the server sends each event as a line, and the refreshed parts of the page.
const live = document.querySelector("[data-live-url]");
if (live) {
  const events = document.getElementById("plan-events");
  const state = live.querySelector(".live-state");
  const say = (text) => {
    if (state) state.textContent = text;
  };
  const source = new EventSource(live.dataset.liveUrl);
  say("Connecting to the plan…");
  source.addEventListener("open", () => say("● Live: this page follows the plan as it runs."));
  source.addEventListener("line", (event) => {
    events?.insertAdjacentHTML("beforeend", event.data);
  });
  source.addEventListener("fragments", (event) => {
    swapFrom(parse(JSON.parse(event.data).html), "[data-fragment]");
  });
  source.addEventListener("end", () => {
    source.close();
    say("The plan has finished.");
  });
}
