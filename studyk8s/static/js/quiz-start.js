// Quiz start page: show the exam-only fields for a mock exam, and refresh the readiness
// forecast when the scope or pass mark changes.
(function () {
  "use strict";
  const root = document.getElementById("quiz-start");
  const form = document.getElementById("quiz-form");
  if (!root || !form) return;
  const examFields = document.getElementById("exam-fields");

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
  // The server renders the readiness box (services/readiness.py through
  // templates/quiz/_readiness.html): the page swaps in the fresh one for the chosen scope.
  async function refreshReadiness() {
    const box = document.getElementById("readiness");
    if (!box) return;
    const params = new URLSearchParams();
    for (const d of form.querySelectorAll('input[name="deck"]:checked')) params.append("deck", d.value);
    for (const s of form.querySelectorAll('input[name="section"]:checked')) params.append("section", s.value);
    const mark = form.querySelector('input[name="pass_mark"]');
    if (mark && mark.value && !mark.disabled) params.append("pass_mark", mark.value);
    try {
      const res = await fetch(root.dataset.readiness + "?" + params, {
        headers: { "Accept": "text/html" }, credentials: "same-origin" });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.getElementById("readiness");
      if (fresh) box.replaceWith(document.importNode(fresh, true));
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
