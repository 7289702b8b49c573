// Quiz-set and class pages (no inline script: the CSP forbids it). Everything here is an
// enhancement: the pages work without it.
//  - buttons with data-confirm ask before their form is submitted;
//  - "+ another row" adds a blank choice/pair row to the question form;
//  - "Copy link" copies a class's join link;
//  - Tab in a manifest box indents by two spaces.
(function () {
  "use strict";
  // UI strings in the page's language (js_strings("sets") in the templates that load this).
  const { STRINGS, t } = window.studyk8sStrings;

  document.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) e.preventDefault();
  });

  for (const fieldset of document.querySelectorAll("fieldset.rows")) {
    const add = fieldset.querySelector(".add-row");
    if (!add) continue;
    add.hidden = false;
    add.addEventListener("click", () => {
      const rows = fieldset.querySelectorAll(".row");
      const last = rows[rows.length - 1];
      const copy = last.cloneNode(true);
      const n = rows.length;
      for (const el of copy.querySelectorAll("[id]")) {
        const id = el.id.replace(/-\d+$/, "-" + n);
        const label = copy.querySelector('label[for="' + el.id + '"]');
        if (label) {
          label.htmlFor = id;
          label.textContent = label.textContent.replace(/\d+/, String(n + 1));
        }
        el.id = id;
        if (el.tagName === "INPUT") {
          el.value = "";
          if (el.placeholder) el.placeholder = el.placeholder.replace(/\d+/, String(n + 1));
        }
        if (el.tagName === "SELECT") el.selectedIndex = Array.from(el.options).findIndex((o) => o.value === "0");
      }
      last.after(copy);
      const first = copy.querySelector("input");
      if (first) first.focus();
    });
  }

  // A manifest's box: Tab indents by two spaces (YAML has no tabs), Escape leaves the box.
  for (const area of document.querySelectorAll("textarea.manifest")) {
    area.addEventListener("keydown", (e) => {
      if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        const a = area.selectionStart;
        area.value = area.value.slice(0, a) + "  " + area.value.slice(area.selectionEnd);
        area.selectionStart = area.selectionEnd = a + 2;
      } else if (e.key === "Escape") {
        area.blur();
      }
    });
  }

  for (const button of document.querySelectorAll("button.copy[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = t("copied");
      } catch (err) {
        button.textContent = t("copy_failed");
      }
    });
  }
})();
