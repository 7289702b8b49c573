// Quiz start page: show the exam-only fields for a mock exam, and refresh the readiness
// estimate (predicted score from the review history) when the scope or pass mark changes.
(function () {
  "use strict";
  const root = document.getElementById("quiz-start");
  const form = document.getElementById("quiz-form");
  if (!root || !form) return;
  const examFields = document.getElementById("exam-fields");
  // UI strings in the page's language (templates/quiz/index.html: js_strings("quiz_start")).
  const { STRINGS, t } = window.studyk8sStrings;

  function mode() {
    const on = form.querySelector('input[name="mode"]:checked');
    return on ? on.value : "practice";
  }

  function toggle() {
    const exam = mode() === "exam";
    examFields.hidden = !exam;
    for (const input of examFields.querySelectorAll("input, textarea")) input.disabled = !exam;
  }

  let timer = null;
  async function refreshReadiness() {
    const box = document.getElementById("readiness");
    if (!box) return;
    const params = new URLSearchParams();
    for (const d of form.querySelectorAll('input[name="deck"]:checked')) params.append("deck", d.value);
    for (const s of form.querySelectorAll('input[name="section"]:checked')) params.append("section", s.value);
    const mark = form.querySelector('input[name="pass_mark"]');
    if (mark && mark.value) params.append("pass_mark", mark.value);
    try {
      const res = await fetch(root.dataset.readiness + "?" + params, {
        headers: { "Accept": "application/json" }, credentials: "same-origin" });
      if (!res.ok) return;
      const r = await res.json();
      const pct = (x) => new Intl.NumberFormat(STRINGS._locale || "en", { style: "percent" }).format(x);
      document.getElementById("readiness-score").textContent = pct(r.predicted);
      document.getElementById("readiness-mark").textContent = pct(r.pass_mark);
      const verdict = document.getElementById("readiness-verdict");
      verdict.textContent = r.ready ? t("ready") : t("not_ready");
      verdict.className = r.ready ? "good" : "bad";
      document.getElementById("readiness-detail").textContent =
        t("detail", { studied: r.studied, facts: r.facts });
    } catch (e) { /* the estimate is a hint; the form works without it */ }
  }

  form.addEventListener("change", (e) => {
    if (e.target.name === "mode") toggle();
    if (["deck", "section", "pass_mark"].includes(e.target.name)) {
      clearTimeout(timer);
      timer = setTimeout(refreshReadiness, 250);
    }
  });
  toggle();
})();
