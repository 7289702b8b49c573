// The page's UI strings, in its language: templates put them in a JSON data-strings attribute
// on #i18n (js_strings(...)), since the CSP allows no inline script. Shared by every page
// script: `const { STRINGS, t } = window.studyk8sStrings;`.
(function () {
  "use strict";
  let cache = null;
  function strings() {
    if (cache === null) {
      try { cache = JSON.parse(document.getElementById("i18n").dataset.strings); } catch (e) { cache = {}; }
    }
    return cache;
  }
  function t(key, vars) {
    let text = strings()[key] || key;
    for (const [k, v] of Object.entries(vars || {})) text = text.split("{" + k + "}").join(String(v));
    return text;
  }
  window.studyk8sStrings = {
    get STRINGS() { return strings(); },
    t: t,
  };
})();
