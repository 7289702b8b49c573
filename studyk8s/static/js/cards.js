// Card browser (/cards), keyboard first: "/" goes to the search, j / k (or the arrow keys)
// move from card to card, x selects the current one, Enter opens it, u undoes the last action.
(function () {
  "use strict";
  const root = document.getElementById("browser");
  if (!root) return;
  const links = () => Array.from(root.querySelectorAll("a.card-link"));
  const rowOf = (el) => el && el.closest && el.closest("tr[data-card]");

  function move(step) {
    const all = links();
    if (!all.length) return;
    const at = all.indexOf(document.activeElement);
    const next = all[Math.min(all.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
    next.focus();
    for (const r of root.querySelectorAll("tr.current")) r.classList.remove("current");
    rowOf(next).classList.add("current");
  }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest && e.target.closest("input, textarea, select")) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (e.key === "/") { e.preventDefault(); document.getElementById("q").focus(); return; }
    if (e.key === "j" || e.key === "ArrowDown") { e.preventDefault(); move(1); return; }
    if (e.key === "k" || e.key === "ArrowUp") { e.preventDefault(); move(-1); return; }
    if (e.key === "x") {
      const row = rowOf(document.activeElement);
      if (row) { e.preventDefault(); const box = row.querySelector("input[name=card]"); box.checked = !box.checked; }
      return;
    }
    if (e.key === "u") {
      const undo = document.getElementById("browse-undo");
      if (undo) { e.preventDefault(); undo.submit(); }
    }
  });

  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", () => {
      for (const box of root.querySelectorAll("input[name=card]")) box.checked = all.checked;
    });
  }
})();
