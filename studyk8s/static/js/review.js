// Review page: Anki's keys (Space/Enter show, 1–4 rate, u / Ctrl+Z undo, @ suspend), no reloads.
// Every rating carries a client-generated id and the card version it was given for, so a retry
// after a network error is answered with the first result and never recorded twice.
(function () {
  "use strict";
  const root = document.getElementById("review");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const urls = root.dataset;
  // UI strings in the page's language (templates/review/index.html: js_strings("review")).
  const { STRINGS, t } = window.studyk8sStrings;
  let view = null; // {card, counts, tomorrow}
  let revealed = false;
  let busy = false;
  let shownAt = 0;
  let mermaidLoading = null;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function status(text) { $("status").textContent = text || ""; }

  async function call(url, body, attempts) {
    attempts = attempts || 3;
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(url, {
          method: body === undefined ? "GET" : "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf,
                     "Accept": "application/json" },
          credentials: "same-origin",
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const data = await res.json().catch(() => ({}));
        if (res.status === 401 || res.redirected) { location.reload(); return null; }
        if (!res.ok) {
          const err = new Error(data.error || res.statusText);
          err.status = res.status;
          throw err;
        }
        return data;
      } catch (err) {
        // Only network failures are retried: the same body (same client id) is safe to resend.
        if (err.status || i + 1 >= attempts) throw err;
        status(t("retrying"));
        await new Promise((r) => setTimeout(r, 500 * (i + 1)));
      }
    }
  }

  function loadMermaid() {
    if (window.mermaid) return Promise.resolve(window.mermaid);
    if (!mermaidLoading) {
      mermaidLoading = new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = urls.mermaid;
        s.onload = () => {
          window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
          resolve(window.mermaid);
        };
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return mermaidLoading;
  }

  async function drawDiagram(card) {
    const box = $("card-diagram");
    box.hidden = !card.diagram;
    box.textContent = "";
    if (!card.diagram) return;
    try {
      const mermaid = await loadMermaid();
      const { svg } = await mermaid.render("diagram-" + card.id + "-" + Date.now(), card.diagram);
      if (view && view.card && view.card.id === card.id) {
        box.innerHTML = svg;
        const el = box.querySelector("svg");
        if (el) { el.setAttribute("role", "img"); el.setAttribute("aria-label", t("diagram")); }
      }
    } catch (e) {
      const pre = document.createElement("pre");
      pre.textContent = card.diagram;
      box.appendChild(pre);
    }
  }

  // "10m", "3d", "1.2mo" (Anki's labels, from the server) in the page's language.
  function interval(text) {
    const m = /^(<?)(\d+(?:\.\d+)?)(m|h|d|mo|y)$/.exec(text);
    return m ? m[1] + t("iv_" + m[3], { n: m[2] }) : text;
  }

  function render(next) {
    view = next;
    revealed = false;
    $("count-new").textContent = next.counts.new;
    $("count-learning").textContent = next.counts.learning;
    $("count-review").textContent = next.counts.review;
    const card = next.card;
    $("card").hidden = !card;
    $("actions").hidden = !card;
    $("done").hidden = !!card;
    $("suspend").disabled = !card;
    if (!card) {
      $("tomorrow").textContent = t("tomorrow", { n: next.tomorrow });
      return;
    }
    // The note's language on the card's text only: the UI around it keeps the page's.
    for (const id of ["card-deck", "card-section", "card-front", "card-back", "card-diagram"]) {
      $(id).lang = card.lang === "zh" ? "zh-CN" : "en";
    }
    $("card-deck").textContent = card.deck;
    $("card-section").textContent = card.section;
    $("card-front").innerHTML = card.front_html; // sanitised server-side (nh3)
    $("card-back").innerHTML = card.back_html;
    $("card-answer").hidden = true;
    const src = $("card-source");
    src.textContent = card.source;
    src.href = urls.source.replace("/0/", "/" + card.note_id + "/") + "#L" + card.line;
    $("show-answer").hidden = false;
    $("ratings").hidden = true;
    for (const el of document.querySelectorAll("[data-iv]")) {
      el.textContent = interval(card.intervals[el.dataset.iv] || "");
    }
    drawDiagram(card);
    typedBox(card);
    shownAt = Date.now();
    (typedInput || $("show-answer")).focus({ preventScroll: true });
  }

  // A typed card (a command, a manifest): an input under the front; Show answer first checks
  // what was typed with the server's checker, shows the verdict, then the answer to rate.
  let typedInput = null;
  function typedBox(card) {
    const box = $("card-typed");
    box.textContent = "";
    box.hidden = !card.typed;
    $("card-verdict").hidden = true;
    typedInput = null;
    if (!card.typed) return;
    const manifest = card.kind === "manifest";
    const label = document.createElement("label");
    label.className = "sr-only";
    label.htmlFor = "typed-answer";
    label.textContent = t("your_answer");
    const input = document.createElement(manifest ? "textarea" : "input");
    if (manifest) input.rows = 12; else input.type = "text";
    input.id = "typed-answer";
    input.className = "typed code" + (manifest ? " manifest" : "");
    input.lang = "en";
    input.spellcheck = false;
    input.setAttribute("autocapitalize", "off");
    input.setAttribute("autocomplete", "off");
    input.addEventListener("keydown", (e) => {
      if (manifest && e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault(); // YAML is indented with spaces: Tab inserts two
        const a = input.selectionStart;
        input.value = input.value.slice(0, a) + "  " + input.value.slice(input.selectionEnd);
        input.selectionStart = input.selectionEnd = a + 2;
      } else if (e.key === "Escape") {
        input.blur();
      } else if (e.key === "Enter" && (!manifest || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        reveal();
      }
    });
    box.append(label, input);
    typedInput = input;
  }

  async function checkTyped(card) {
    if (!typedInput || !typedInput.value.trim()) return;
    const r = await call(urls.check, { card_id: card.id, response: typedInput.value });
    if (!r || !view || !view.card || view.card.id !== card.id) return;
    const v = $("card-verdict");
    v.textContent = (r.correct ? "✓ " : "✗ ") + r.explanation;
    v.className = "verdict " + (r.correct ? "right" : "wrong");
    v.hidden = false;
    typedInput.disabled = true;
  }

  async function reveal() {
    if (!view || !view.card || revealed) return;
    if (view.card.typed) {
      try { await checkTyped(view.card); } catch (err) { status(t("not_saved", { error: err.message })); }
      if (revealed) return;
    }
    revealed = true;
    $("card-answer").hidden = false;
    $("show-answer").hidden = true;
    $("ratings").hidden = false;
    $("ratings").focus({ preventScroll: true });
  }

  async function act(fn) {
    if (busy) return;
    busy = true;
    try { await fn(); } catch (err) {
      status(err.status === 409 ? t("changed") : t("not_saved", { error: err.message }));
      if (err.status === 409) await refresh(false);
    } finally { busy = false; }
  }

  async function refresh(clear) {
    const next = await call(urls.next);
    if (next) render(next);
    if (clear !== false) status("");
  }

  function rate(rating) {
    if (!view || !view.card || !revealed) return;
    const card = view.card;
    const body = { card_id: card.id, rating: rating, version: card.version,
                   client_id: newId(), duration_ms: Date.now() - shownAt };
    return act(async () => {
      const data = await call(urls.answer, body);
      if (!data) return;
      status(data.result.leech ? t("leech") : "");
      render(data.next);
    });
  }

  function undo() {
    return act(async () => {
      try {
        const data = await call(urls.undo, {});
        if (!data) return;
        render(data.next);
        status(t("undid", { rating: t(["", "again", "hard", "good", "easy"][data.result.rating]) }));
      } catch (err) {
        if (err.status === 400) { status(t("nothing_to_undo")); return; }
        throw err;
      }
    });
  }

  function suspend() {
    if (!view || !view.card) return;
    const id = view.card.id;
    return act(async () => {
      const data = await call(urls.suspend, { card_id: id });
      if (!data) return;
      render(data.next);
      status(t("suspended"));
    });
  }

  document.addEventListener("keydown", (e) => {
    if (e.target.closest && e.target.closest("input, textarea, select")) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); undo(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " " || e.key === "Enter") {
      const control = e.target.closest && e.target.closest("button, a");
      if (control && control.id !== "show-answer") return; // a focused control acts natively
      e.preventDefault();
      if (!revealed) reveal(); else rate(3); // Anki: Space/Enter = Good once the answer shows
      return;
    }
    if (["1", "2", "3", "4"].includes(e.key)) { e.preventDefault(); if (revealed) rate(+e.key); return; }
    if (e.key === "u") { e.preventDefault(); undo(); return; }
    if (e.key === "@") { e.preventDefault(); suspend(); }
  });
  $("show-answer").addEventListener("click", reveal);
  for (const b of document.querySelectorAll("[data-rating]")) {
    b.addEventListener("click", () => rate(+b.dataset.rating));
  }
  $("undo").addEventListener("click", undo);
  $("suspend").addEventListener("click", suspend);
  refresh().catch((err) => status(t("load_failed", { error: err.message })));
})();
