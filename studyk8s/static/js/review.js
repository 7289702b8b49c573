// Review page: Anki's keys (Space/Enter show, 1–4 rate, u / Ctrl+Z undo the last action, @ suspend,
// - bury, Ctrl+1–4 flag, ! report), no reloads.
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
          window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict",
                                     flowchart: { useMaxWidth: false },
                                     themeVariables: { fontSize: "16px" } });
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
    $("card-figure").hidden = !card.diagram;
    box.textContent = "";
    zoom(false);
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

  // The diagram is drawn at its own size (labels as large as the page's text) and scrolls
  // in its box; a click or the button opens it over the whole window, Escape closes it.
  function zoom(open) {
    const fig = $("card-figure");
    fig.classList.toggle("wide", open);
    $("diagram-zoom").setAttribute("aria-expanded", String(open));
    $("diagram-zoom").textContent = open ? t("diagram_close") : t("diagram_open");
  }

  // "10m", "3d", "1.2mo" (Anki's labels, from the server) in the page's language.
  function interval(text) {
    const m = /^(<?)(\d+(?:\.\d+)?)(m|h|d|mo|y)$/.exec(text);
    return m ? m[1] + t("iv_" + m[3], { n: m[2] }) : text;
  }

  const FLAG_KEYS = ["", "flag_1", "flag_2", "flag_3", "flag_4"];

  function showFlag(card) {
    const badge = $("card-flag");
    const f = (card && card.flag) || 0;
    badge.hidden = !f;
    badge.className = "flag-badge flag-" + f;
    badge.textContent = f ? t("flagged", { flag: t(FLAG_KEYS[f]) }) : "";
    $("flag-select").value = String(f);
  }

  // A short quote of a card's front, so a message names the card it is about.
  function quote(card) {
    const div = document.createElement("div");
    div.innerHTML = card.front_html;
    const text = div.textContent.replace(/\s+/g, " ").trim();
    return text.length > 40 ? text.slice(0, 39) + "…" : text;
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
    for (const id of ["suspend", "bury", "report", "flag-select"]) $(id).disabled = !card;
    if (!card) {
      $("tomorrow").textContent = t(next.tomorrow === 1 ? "tomorrow_one" : "tomorrow_other", { n: next.tomorrow });
      showFlag(null);
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
    $("card-front").hidden = false;
    $("card").classList.toggle("cloze", card.kind === "cloze");
    $("card-answer").hidden = true;
    const src = $("card-source");
    src.textContent = card.source;
    src.href = urls.source.replace("/0/", "/" + card.note_id + "/") + "#L" + card.line;
    $("show-answer").hidden = false;
    $("ratings").hidden = true;
    for (const el of document.querySelectorAll("[data-iv]")) {
      el.textContent = interval(card.intervals[el.dataset.iv] || "");
    }
    showFlag(card);
    drawDiagram(card);
    typedBox(card);
    shownAt = Date.now();
    focusPrimary();
  }

  // Where Space and Enter act: "Show answer" on the front, the ratings once it shows.
  function focusPrimary() {
    if (!view || !view.card) return;
    if (!revealed && typedInput) { typedInput.focus({ preventScroll: true }); return; }
    (revealed ? $("ratings") : $("show-answer")).focus({ preventScroll: true });
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
    // A cloze's back is its whole sentence with the answer marked, in place of the front.
    if (view.card.kind === "cloze") $("card-front").hidden = true;
    $("card-answer").hidden = false;
    $("show-answer").hidden = true;
    $("ratings").hidden = false;
    $("ratings").focus({ preventScroll: true });
    if (statusCard !== view.card.id) status("");
  }

  let statusCard = null; // the card the status line is about
  function say(text, card, kind) {
    status(text);
    statusCard = card ? card.id : null;
    $("status").dataset.kind = kind || "";
  }

  async function act(fn) {
    if (busy) return;
    busy = true;
    try { await fn(); } catch (err) {
      say(err.status === 409 ? t("changed") : t("not_saved", { error: err.message }), null, "error");
      if (err.status === 409) await refresh(false);
    } finally {
      busy = false;
      const at = document.activeElement;
      if (!at || at === document.body || (at.closest && at.closest("#toolbar"))) focusPrimary();
    }
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
      render(data.next);
      if (data.result.leech) say(t("leech", { card: quote(card) }), card, "leech");
      else say("", null, "");
    });
  }

  const UNDID = { rating: "undid", suspend: "undid_suspend", bury: "undid_bury",
                  flag: "undid_flag", report: "undid_report" };

  function undo() {
    return act(async () => {
      try {
        const data = await call(urls.undo, {});
        if (!data) return;
        render(data.next);
        const r = data.result;
        const text = t(UNDID[r.undone] || "undid_other", {
          rating: r.rating ? t(["", "again", "hard", "good", "easy"][r.rating]) : "" });
        say(text, data.next.card, "undo:" + r.undone);
      } catch (err) {
        if (err.status === 400) { say(t("nothing_to_undo"), null, "undo:none"); return; }
        throw err;
      }
    });
  }

  // Suspend, bury, flag, report: the card's id and the version shown go with each.
  function cardAction(action, extra, message) {
    if (!view || !view.card) return;
    const card = view.card;
    return act(async () => {
      const data = await call(urls.action.replace("/suspend", "/" + action),
                              Object.assign({ card_id: card.id, version: card.version,
                                              client_id: newId() }, extra || {}));
      if (!data) return;
      const next = data.next;
      if (next.card && next.card.id === card.id && view.card && view.card.id === card.id) {
        // Still this card (a flag): keep it as it is on screen, answer shown or not.
        view.card.version = next.card.version;
        view.card.flag = next.card.flag;
        showFlag(view.card);
      } else {
        render(next);
      }
      say(message(data.result, card), card, action);
    });
  }

  const suspend = () => cardAction("suspend", null, (r, c) => t("suspended", { card: quote(c) }));
  const bury = () => cardAction("bury", null, (r, c) => t("buried", { card: quote(c) }));
  function setFlag(f) {
    if (!view || !view.card) return;
    if (f && view.card.flag === f) f = 0; // Anki: the same flag again takes it off
    return cardAction("flag", { flag: f }, (r) => r.flag ? t("flag_set", { flag: t(FLAG_KEYS[r.flag]) })
                                                       : t("flag_cleared"));
  }

  function openReport() {
    if (!view || !view.card) return;
    $("report-comment").value = "";
    $("report-dialog").showModal();
    $("report-comment").focus();
  }
  $("report-dialog").addEventListener("close", () => {
    if ($("report-dialog").returnValue === "send") {
      cardAction("report", { comment: $("report-comment").value },
                 (r, c) => t("reported", { card: quote(c) }));
    } else {
      focusPrimary();
    }
  });

  document.addEventListener("keydown", (e) => {
    if ($("report-dialog").open) return;
    if (e.target.closest && e.target.closest("input, textarea, select")) return;
    if (e.key === "Escape" && $("card-figure").classList.contains("wide")) { zoom(false); return; }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); undo(); return; }
    if ((e.ctrlKey || e.metaKey) && /^Digit[0-4]$/.test(e.code)) {
      e.preventDefault(); setFlag(+e.code.slice(5)); return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === " " || e.key === "Enter") {
      const control = e.target.closest && e.target.closest("button, a, [role=group][tabindex='0']");
      if (control && control.id !== "show-answer") return; // a focused control acts natively
      e.preventDefault();
      if (!revealed) reveal(); else rate(3); // Anki: Space/Enter = Good once the answer shows
      return;
    }
    if (["1", "2", "3", "4"].includes(e.key)) { e.preventDefault(); if (revealed) rate(+e.key); return; }
    if (e.key === "u") { e.preventDefault(); undo(); return; }
    if (e.key === "@") { e.preventDefault(); suspend(); return; }
    if (e.key === "-") { e.preventDefault(); bury(); return; }
    if (e.key === "!") { e.preventDefault(); openReport(); }
  });
  $("show-answer").addEventListener("click", reveal);
  for (const b of document.querySelectorAll("[data-rating]")) {
    b.addEventListener("click", () => rate(+b.dataset.rating));
  }
  $("undo").addEventListener("click", undo);
  $("suspend").addEventListener("click", suspend);
  $("bury").addEventListener("click", bury);
  $("report").addEventListener("click", openReport);
  $("flag-select").addEventListener("change", () => {
    const f = +$("flag-select").value;
    if (view && view.card && view.card.flag !== f) setFlag(f);
  });
  // The Done screen's offers (Anki's custom study): review ahead, more new cards today.
  $("ahead-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const days = +$("ahead-days").value;
    act(async () => {
      const data = await call(urls.ahead, { days: days });
      if (!data) return;
      render(data.next);
      const n = data.result.cards;
      say(n ? t(n === 1 ? "ahead_one" : "ahead_other", { n: n }) : t("ahead_none", { n: days }),
          null, "ahead");
    });
  });
  $("more-new-form").addEventListener("submit", (e) => {
    e.preventDefault();
    act(async () => {
      const data = await call(urls.moreNew, { n: +$("more-new-n").value });
      if (!data) return;
      render(data.next);
      say(t("more_new", { n: data.result.extra_new }), null, "more-new");
    });
  });
  $("diagram-zoom").addEventListener("click", () => zoom(!$("card-figure").classList.contains("wide")));
  $("card-diagram").addEventListener("click", () => zoom(!$("card-figure").classList.contains("wide")));
  refresh().catch((err) => status(t("load_failed", { error: err.message })));
})();
