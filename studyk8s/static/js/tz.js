// Time zone detection, no inline script (CSP). Two hooks:
//  - <input data-tz-detect>: filled with the browser's IANA zone (sign-up; the server checks it
//    and falls back to UTC).
//  - [data-tz-suggest] containing <button data-tz-use-browser data-tz-select="ID">: shown when
//    the device's zone differs from the <select id=ID>; clicking it selects the device's zone.
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    } catch (e) {
      return "UTC";
    }
  }

  function init() {
    var zone = browserZone();

    document.querySelectorAll("input[data-tz-detect]").forEach(function (input) {
      if (!input.value) input.value = zone;
    });

    document.querySelectorAll("[data-tz-suggest]").forEach(function (box) {
      var button = box.querySelector("[data-tz-use-browser]");
      var select = button && document.getElementById(button.getAttribute("data-tz-select"));
      if (!select || select.value === zone) return;
      var known = Array.prototype.some.call(select.options, function (o) {
        return o.value === zone;
      });
      if (!known) return;
      box.querySelectorAll("[data-tz-name]").forEach(function (el) {
        el.textContent = zone.replace(/_/g, " ");
      });
      box.hidden = false;
      button.addEventListener("click", function () {
        select.value = zone;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        box.hidden = true;
        select.focus();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
