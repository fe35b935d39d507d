/* Drafts of long forms on the server (issue 23): a form marked data-draft="<form>:<id>" sends what
   is typed, a moment after typing stops, to /office/drafts/<form>:<id>/ (eduplan.accounts.drafts);
   a draft the page was given (<script type="application/json" id="draft-data">) is filled back in. */
(function () {
  "use strict";
  function url(key) { return "/office/drafts/" + encodeURIComponent(key) + "/"; }
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = form.getAttribute("data-draft"), timer = null;
    var given = document.getElementById("draft-data");
    if (given) {
      try {
        var fields = JSON.parse(given.textContent);
        Object.keys(fields).forEach(function (name) {
          var el = form.elements.namedItem(name);
          if (el && "value" in el && el.type !== "hidden") { el.value = fields[name]; }
        });
      } catch (e) { /* a broken draft is ignored: the saved record stays on screen */ }
    }
    function send() {
      var data = new FormData(form);
      data.delete("action");
      fetch(url(key), { method: "POST", body: data, credentials: "same-origin" }).catch(function () {});
    }
    function later(ms) { clearTimeout(timer); timer = setTimeout(send, ms); }
    form.addEventListener("input", function () { later(1500); });
    form.addEventListener("change", function () { later(500); });
    form.addEventListener("submit", function () { clearTimeout(timer); });
  });
})();
