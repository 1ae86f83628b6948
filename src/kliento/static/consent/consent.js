// The cookie banner and the consent gate. Anything non-essential is written as
// <template data-consent="non_essential_cookies">…</template>: its content is inert
// (no request is made) until this browser has accepted non-essential cookies.
(function () {
  "use strict";
  var GATE = 'template[data-consent="non_essential_cookies"]';

  function choice() {
    var match = document.cookie.match(/(?:^|;\s*)kliento_cookies=(accept|reject)(?:;|$)/);
    return match ? match[1] : null;
  }

  function activate() {
    document.querySelectorAll(GATE).forEach(function (gated) {
      gated.replaceWith(gated.content.cloneNode(true));
    });
  }

  function enhance(form) {
    var fallback = false;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (fallback || !button || !window.fetch) return;
      event.preventDefault();
      var data = new FormData(form);
      data.set("choice", button.value);
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        var banner = form.closest("[data-cookie-banner]");
        if (banner) banner.remove();
        var main = document.getElementById("main");
        if (main) main.focus({ preventScroll: true });
        if (button.value === "accept") activate();
      }).catch(function () {
        fallback = true;  // let the browser post the form itself
        form.requestSubmit(button);
      });
    });
  }

  function ready() {
    if (choice() === "accept") activate();
    var form = document.querySelector("[data-cookie-form]");
    if (form) enhance(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
