// Card browser (/cards), keyboard first: "/" goes to the search, j / k (or the arrow keys)
// move from card to card, x selects the current one, Enter opens it, u undoes the last action.
// The review screen's action keys act on the selected cards (or, with none selected, the
// current one): @ suspends, - buries, Ctrl+1–4 set a flag and Ctrl+0 clears it.
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

  // Submits the action bar's form for the selection, or for the current card if none.
  function act(action, flag) {
    const form = document.getElementById("browse-actions");
    if (!form) return false;
    const boxes = Array.from(root.querySelectorAll("input[name=card]"));
    if (!boxes.some((b) => b.checked)) {
      const row = rowOf(document.activeElement) || root.querySelector("tr.current");
      if (!row) return false;
      row.querySelector("input[name=card]").checked = true;
    }
    document.getElementById("bulk-action").value = action;
    if (flag !== undefined) form.querySelector("select[name=flag]").value = String(flag);
    form.requestSubmit();
    return true;
  }

  document.addEventListener("keydown", (e) => {
    const typing = e.target.closest && e.target.closest("input, textarea, select");
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !typing && /^Digit[0-4]$/.test(e.code)) {
      if (act("flag", +e.code.slice(5))) e.preventDefault();
      return;
    }
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
    if (e.key === "@") { if (act("suspend")) e.preventDefault(); return; }
    if (e.key === "-") { if (act("bury")) e.preventDefault(); return; }
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
