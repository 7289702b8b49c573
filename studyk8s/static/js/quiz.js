// Quiz / exam page. The server owns everything that matters: the questions, the saved answers
// and the clock. This script shows one question at a time, saves every answer as it is given
// (each save carries a per-question revision, so a late retry never overwrites a newer answer),
// keeps unsent answers in localStorage until the server has them (a reload, a closed tab or a
// lost network loses nothing), and counts down from the server's remaining time.
(function () {
  "use strict";
  const root = document.getElementById("quiz");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const urls = root.dataset;
  // UI strings in the page's language (templates/quiz/take.html: js_strings("quiz")).
  const { STRINGS, t } = window.studyk8sStrings;
  const exam = root.dataset.mode === "exam";
  const storeKey = "studyk8s-quiz-" + root.dataset.attempt;

  let state = null; // the server's view of the attempt
  let current = 0;
  const responses = {}; // position → response as given
  const revisions = {}; // position → latest revision given here
  const feedback = {}; // practice: position → the server's verdict
  let pending = loadPending(); // position → {response, revision} not yet acknowledged
  let flushing = null; // the save in flight: a second flush (submit after a blur) waits for it
  let flushTimer = null;
  let retryDelay = 1000;
  let endAt = null; // performance.now() at which the visible clock reaches 0
  let closing = false;

  function status(text) { $("status").textContent = text || ""; }
  function saveStatus(text) { $("save-status").textContent = text || ""; }

  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function storePending() {
    try {
      if (Object.keys(pending).length) localStorage.setItem(storeKey, JSON.stringify(pending));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* private mode: the in-memory queue still retries */ }
  }

  async function call(url, method, body) {
    const res = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      keepalive: method !== "GET",
    });
    const data = await res.json().catch(() => ({}));
    if (res.status === 401) { location.reload(); throw new Error("login required"); }
    if (!res.ok) {
      const err = new Error(data.error || res.statusText);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  // --- loading and resuming ----------------------------------------------------------------

  async function load() {
    state = await call(urls.state, "GET");
    if (state.status !== "open") { location.assign(urls.results); return; }
    for (const q of state.questions) {
      if (q.saved) { responses[q.position] = q.saved.response; revisions[q.position] = q.saved.revision; }
      if (q.feedback) feedback[q.position] = q.feedback;
    }
    // Answers given here but never acknowledged (reload, closed tab, lost network) win over
    // the server's older copy; they are sent again below.
    for (const [pos, p] of Object.entries(pending)) {
      const known = revisions[pos] === undefined ? -1 : revisions[pos];
      if (p.revision > known && !feedback[pos]) {
        responses[pos] = p.response; revisions[pos] = p.revision;
      } else {
        delete pending[pos];
      }
    }
    storePending();
    if (state.remaining_ms !== null) startClock(state.remaining_ms);
    current = firstOpen();
    $("question").hidden = false;
    $("actions").hidden = false;
    buildNavigator();
    render();
    if (Object.keys(pending).length) { status(t("sending")); flush(); }
  }

  function firstOpen() {
    for (const q of state.questions) {
      if (exam ? responses[q.position] === undefined || responses[q.position] === null : !feedback[q.position]) return q.position;
    }
    return exam ? 0 : state.questions.length - 1;
  }

  // --- the clock -----------------------------------------------------------------------------

  function startClock(ms) {
    endAt = performance.now() + ms;
    tick();
    setInterval(tick, 250);
  }

  function fmt(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(sec).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function tick() {
    if (endAt === null) return;
    const left = endAt - performance.now();
    $("timer-text").textContent = fmt(left);
    $("timer").classList.toggle("low", left < 60000);
    const mins = Math.ceil(left / 60000);
    $("timer").setAttribute("aria-label", t("time_left", { n: mins }));
    if (left <= 0 && !closing) { closing = true; timeUp(); }
  }

  async function timeUp() {
    status(t("time_up"));
    disableAll();
    await flush();
    await submit(true);
  }

  // --- saving --------------------------------------------------------------------------------

  function give(pos, response, immediate) {
    responses[pos] = response;
    revisions[pos] = (revisions[pos] === undefined ? 0 : revisions[pos]) + 1;
    pending[pos] = { response: response, revision: revisions[pos] };
    storePending();
    updateNavigator();
    updateProgress();
    clearTimeout(flushTimer);
    if (immediate) return flush();
    saveStatus(t("unsaved"));
    flushTimer = setTimeout(flush, 600);
    return Promise.resolve();
  }

  function flush() {
    if (!flushing) flushing = saveAll().finally(() => { flushing = null; });
    return flushing;
  }

  async function saveAll() {
    {
      for (;;) {
        const entries = Object.entries(pending);
        if (!entries.length) break;
        const [pos, p] = entries[0];
        saveStatus(t("saving"));
        let data;
        try {
          data = await call(urls.answer + pos, "PUT", { response: p.response, revision: p.revision });
        } catch (err) {
          if (err.status === 409) { // closed: submitted elsewhere, or out of time
            pending = {}; storePending();
            status(err.message);
            location.assign(urls.results);
            return;
          }
          if (err.status === 400 || err.status === 404) { // refused: keep the page usable
            if (pending[pos] === p) delete pending[pos];
            storePending();
            status(t("refused", { error: err.message }));
            continue;
          }
          saveStatus(t("offline"));
          setTimeout(flush, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 15000);
          return;
        }
        retryDelay = 1000;
        if (pending[pos] && pending[pos].revision === p.revision) delete pending[pos];
        storePending();
        if (data.feedback) {
          feedback[pos] = data.feedback;
          if (data.duplicate) { responses[pos] = data.response; }
          if (+pos === current) render();
        }
        if (data.remaining_ms !== undefined && endAt !== null) endAt = performance.now() + data.remaining_ms;
        saveStatus(t("saved"));
      }
    }
  }

  window.addEventListener("online", () => flush());
  window.addEventListener("beforeunload", (e) => {
    if (Object.keys(pending).length) { flush(); e.preventDefault(); e.returnValue = ""; }
  });

  // --- rendering -----------------------------------------------------------------------------

  const letter = (i) => String.fromCharCode(65 + i);

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === "class") e.className = v; else e.setAttribute(k, v === true ? "" : v);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Kinds answered by typing; the hands-on ones show their context and answer as code.
  const HANDS_ON = ["command", "manifest_field", "manifest"];
  const TYPED = ["typed"].concat(HANDS_ON);

  // In a manifest's textarea, Tab indents by two spaces (YAML has no tabs); Escape leaves it,
  // so the keyboard is never trapped; Ctrl+Enter checks the answer.
  function manifestKey(e, area) {
    if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      const { selectionStart: a, selectionEnd: b, value } = area;
      area.value = value.slice(0, a) + "  " + value.slice(b);
      area.selectionStart = area.selectionEnd = a + 2;
      area.dispatchEvent(new Event("input"));
    } else if (e.key === "Escape") {
      area.blur();
    } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault(); primary();
    }
  }

  function locked(pos) { return !exam && !!feedback[pos]; }

  function render() {
    const q = state.questions[current];
    const pos = q.position;
    const fb = feedback[pos];
    const lang = q.lang === "zh" ? "zh-CN" : "en";
    // The question's own language on its text only: the UI around it keeps the page's.
    for (const id of ["q-topic", "q-prompt", "q-prompt-html", "q-context", "q-body", "fb-explanation"]) $(id).lang = lang;
    $("q-number").textContent = t("question_of", { n: pos + 1, count: state.count });
    $("q-topic").textContent = q.topic;
    // Quiz-set questions are Markdown, rendered and sanitised (nh3) by the server.
    $("q-prompt").textContent = q.prompt_html ? "" : q.prompt;
    $("q-prompt").hidden = !!q.prompt_html;
    $("q-prompt-html").hidden = !q.prompt_html;
    $("q-prompt-html").innerHTML = q.prompt_html || "";
    $("q-context").hidden = !q.context;
    $("q-context").textContent = q.context || "";
    $("q-context").classList.toggle("code", HANDS_ON.includes(q.kind)); // commands, YAML: as typed
    const body = $("q-body");
    body.textContent = "";
    const dis = locked(pos);
    const given = responses[pos];
    if (q.kind === "single" || q.kind === "true_false" || q.kind === "multiple") {
      const multi = q.kind === "multiple";
      const fs = el("fieldset", { class: "choices" });
      fs.appendChild(el("legend", { class: "sr-only" }, multi ? t("choose_all") : t("choose_one")));
      q.choices.forEach((text, i) => {
        const id = "c-" + pos + "-" + i;
        const value = q.kind === "true_false" ? i === 0 : i;
        let checked;
        if (multi) checked = Array.isArray(given) && given.includes(i);
        else checked = given !== undefined && given !== null && given === value;
        const label = el("label", { class: "choice", for: id });
        const input = el("input", { type: multi ? "checkbox" : "radio", name: "q-" + pos, id: id,
                                    value: String(i), checked: checked, disabled: dis });
        input.addEventListener("change", () => onChoice(q));
        label.appendChild(input);
        label.appendChild(el("span", { class: "key", "aria-hidden": "true" }, String(i + 1)));
        label.appendChild(el("span", { class: "text" }, text));
        if (fb) markChoice(label, q, i, fb, checked);
        fs.appendChild(label);
      });
      body.appendChild(fs);
    } else if (q.kind === "matching") {
      const list = el("ol", { class: "match-right", type: "A" });
      q.choices.forEach((text) => list.appendChild(el("li", {}, text)));
      const table = el("div", { class: "match-left" });
      q.left.forEach((term, i) => {
        const id = "m-" + pos + "-" + i;
        const row = el("div", { class: "match-row" });
        row.appendChild(el("label", { for: id }, term));
        const sel = el("select", { id: id, disabled: dis });
        sel.appendChild(el("option", { value: "" }, "—"));
        q.choices.forEach((text, j) => {
          const short = text.length > 40 ? text.slice(0, 39) + "…" : text;
          const opt = el("option", { value: String(j) }, letter(j) + ". " + short);
          if (Array.isArray(given) && given[i] === j) opt.selected = true;
          sel.appendChild(opt);
        });
        sel.addEventListener("change", () => onMatch(q));
        row.appendChild(sel);
        if (fb && Array.isArray(fb.key)) {
          const ok = Array.isArray(given) && given[i] === fb.key[i];
          row.classList.add(ok ? "right" : "wrong");
          if (!ok) row.appendChild(el("small", { class: "fix" }, "→ " + letter(fb.key[i])));
        }
        table.appendChild(row);
      });
      body.appendChild(table);
      body.appendChild(list);
    } else if (TYPED.includes(q.kind)) {
      const id = "t-" + pos;
      const manifest = q.kind === "manifest";
      body.appendChild(el("label", { for: id, class: "sr-only" }, t("your_answer")));
      const input = manifest
        ? el("textarea", { id: id, class: "typed manifest", rows: "14", spellcheck: "false",
                           autocapitalize: "off", autocomplete: "off", disabled: dis, lang: "en" })
        : el("input", { type: "text", id: id, autocomplete: "off",
                        class: "typed" + (HANDS_ON.includes(q.kind) ? " code" : ""),
                        autocapitalize: "off", spellcheck: "false",
                        maxlength: q.kind === "command" ? "4000" : "500",
                        disabled: dis, lang: HANDS_ON.includes(q.kind) ? "en" : lang });
      input.value = typeof given === "string" ? given : "";
      input.addEventListener("input", () => { if (exam) give(pos, input.value.trim() ? input.value : null, false); });
      input.addEventListener("blur", () => { if (exam) flush(); });
      input.addEventListener("keydown", (e) => {
        if (manifest) { manifestKey(e, input); return; }
        if (e.key === "Enter") { e.preventDefault(); primary(); }
      });
      body.appendChild(input);
    }
    showFeedback(fb);
    $("prev").hidden = !exam;
    $("prev").disabled = current === 0;
    $("check").hidden = exam || !!fb;
    $("next").hidden = !exam && !fb;
    $("next").disabled = exam && current === state.questions.length - 1;
    if (!exam && fb && current === state.questions.length - 1) $("next").textContent = t("summary_next");
    else {
      $("next").textContent = t("next") + " ";
      $("next").appendChild(el("kbd", {}, "Enter"));
    }
    updateNavigator();
    updateProgress();
    const focusable = body.querySelector("input:not([disabled]), select:not([disabled]), textarea:not([disabled])");
    if (focusable && TYPED.includes(q.kind)) focusable.focus({ preventScroll: true });
    else if (fb) $("next").focus({ preventScroll: true });
  }

  function markChoice(label, q, i, fb, checked) {
    let right;
    if (q.kind === "multiple") right = Array.isArray(fb.key) && fb.key.includes(i);
    else if (q.kind === "true_false") right = (i === 0) === fb.key;
    else right = fb.key === i;
    // Not by colour alone: a mark, and words for screen readers.
    if (right) label.classList.add("right");
    if (checked && !right) label.classList.add("wrong");
    if (right || checked) {
      const mark = el("span", { class: "mark" });
      mark.appendChild(el("span", { "aria-hidden": "true" }, right ? "✓" : "✗"));
      mark.appendChild(el("span", { class: "sr-only" },
        "(" + (right ? t("right_answer") : t("your_choice") + ", " + t("wrong")) + ")"));
      label.appendChild(mark);
    }
  }

  function showFeedback(fb) {
    const box = $("feedback");
    box.hidden = !fb;
    if (!fb) return;
    box.className = "feedback " + (fb.correct ? "right" : "wrong");
    $("fb-verdict").textContent = fb.correct ? "✓ " + t("right") : (fb.score > 0 ? "◐ " + t("partly") : "✗ " + t("wrong"));
    $("fb-explanation").textContent = fb.explanation;
    const a = $("fb-source");
    a.textContent = fb.source;
    if (urls.source && fb.note_path) a.href = urls.source + encodeURI(fb.note_path) + "#L" + fb.line;
    else a.removeAttribute("href");
  }

  // --- answering -----------------------------------------------------------------------------

  function readChoice(q) {
    const inputs = Array.from(document.querySelectorAll('#q-body input[name="q-' + q.position + '"]'));
    if (q.kind === "multiple") return inputs.filter((i) => i.checked).map((i) => +i.value);
    const on = inputs.find((i) => i.checked);
    if (!on) return null;
    return q.kind === "true_false" ? +on.value === 0 : +on.value;
  }

  function onChoice(q) {
    const r = readChoice(q);
    if (exam) give(q.position, q.kind === "multiple" && !r.length ? null : r, true);
    else responses[q.position] = r;
  }

  function readMatch(q) {
    const r = q.left.map((_, i) => {
      const v = $("m-" + q.position + "-" + i).value;
      return v === "" ? null : +v;
    });
    return r.every((v) => v === null) ? null : r;
  }

  function onMatch(q) {
    const r = readMatch(q);
    if (exam) give(q.position, r, true); else responses[q.position] = r;
  }

  async function check() {
    const q = state.questions[current];
    if (exam || feedback[q.position]) return;
    let r;
    if (TYPED.includes(q.kind)) {
      const v = $("t-" + q.position).value;
      r = v.trim() ? v : null;
    } else if (q.kind === "matching") r = readMatch(q);
    else r = readChoice(q);
    if (r === null || (Array.isArray(r) && !r.length)) { status(t("answer_first")); return; }
    status("");
    disableAll();
    await give(q.position, r, true);
    if (!feedback[q.position]) { status(t("saved_locally")); }
    render();
  }

  function disableAll() {
    for (const e of document.querySelectorAll("#q-body input, #q-body select, #q-body textarea")) e.disabled = true;
  }

  function go(i) {
    if (i < 0 || i >= state.questions.length) return;
    if (exam) flush();
    current = i;
    status("");
    render();
  }

  function next() {
    if (!exam && current === state.questions.length - 1 && feedback[current]) { submit(false); return; }
    go(current + 1);
  }

  function primary() {
    if (!exam && !feedback[current]) check(); else next();
  }

  // --- navigator and progress ------------------------------------------------------------

  function answered(pos) {
    const r = responses[pos];
    return r !== undefined && r !== null && !(Array.isArray(r) && !r.length);
  }

  function updateProgress() {
    const done = state.questions.filter((q) => exam ? answered(q.position) : !!feedback[q.position]).length;
    $("progress").textContent = t("progress", { n: current + 1, count: state.count, done: done });
  }

  function buildNavigator() {
    const nav = $("navigator");
    if (!nav) return;
    nav.textContent = "";
    state.questions.forEach((q) => {
      const li = el("li");
      const b = el("button", { type: "button", "data-pos": String(q.position) }, String(q.position + 1));
      b.addEventListener("click", () => go(q.position));
      li.appendChild(b);
      nav.appendChild(li);
    });
  }

  function updateNavigator() {
    const nav = $("navigator");
    if (!nav) return;
    for (const b of nav.querySelectorAll("button")) {
      const pos = +b.dataset.pos;
      b.classList.toggle("answered", answered(pos));
      if (pos === current) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
      b.setAttribute("aria-label", t(answered(pos) ? "nav_answered" : "nav_open", { n: pos + 1 }));
    }
  }

  // --- submitting ----------------------------------------------------------------------------

  async function submit(forced) {
    if (!forced) {
      const open = state.questions.filter((q) => !answered(q.position)).length;
      const msg = exam
        ? (open ? t(open === 1 ? "unanswered_one" : "unanswered_other", { n: open }) : t("submit_confirm"))
        : null;
      if (msg && !window.confirm(msg)) return;
    }
    await flush();
    if (Object.keys(pending).length && !forced) {
      status(t("not_all_saved"));
      return;
    }
    try {
      const data = await call(urls.submit, "POST", {});
      pending = {}; storePending();
      location.assign(data.url || urls.results);
    } catch (err) {
      if (err.status === 409 || err.status === 404) { location.assign(urls.results); return; }
      status(t("submit_failed", { error: err.message }));
      closing = false;
    }
  }

  $("submit-form").addEventListener("submit", (e) => { e.preventDefault(); submit(false); });
  $("check").addEventListener("click", check);
  $("next").addEventListener("click", next);
  $("prev").addEventListener("click", () => go(current - 1));

  document.addEventListener("keydown", (e) => {
    if (!state || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t.closest && t.closest("input[type=text], textarea, select")) return;
    const q = state.questions[current];
    if (/^[1-9]$/.test(e.key) && (q.kind === "single" || q.kind === "true_false" || q.kind === "multiple")) {
      const box = document.getElementById("c-" + q.position + "-" + (+e.key - 1));
      if (box && !box.disabled) {
        e.preventDefault();
        box.checked = q.kind === "multiple" ? !box.checked : true;
        box.dispatchEvent(new Event("change"));
      }
      return;
    }
    if (e.key === "Enter") {
      if (t.closest && t.closest("button, a")) return; // a focused control acts natively
      e.preventDefault();
      primary();
      return;
    }
    if (exam && e.key === "ArrowRight") { e.preventDefault(); go(current + 1); }
    if (exam && e.key === "ArrowLeft") { e.preventDefault(); go(current - 1); }
  });

  load().catch((err) => status(t("load_failed", { error: err.message })));
})();
