// The phone QR code renews itself before its signed token expires. Without JavaScript
// the page reloads itself instead (a <noscript> refresh), so this is a convenience only.
(function () {
  "use strict";
  var box = document.getElementById("phone-qr");
  if (!box) { return; }
  var image = box.querySelector(".phone-qr-image");
  var failed = document.getElementById("phone-qr-failed");
  var every = (parseInt(box.getAttribute("data-refresh-seconds"), 10) || 30) * 1000;
  var timer = null;

  function schedule(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, ms);
  }

  function refresh() {
    fetch(box.getAttribute("data-fresh-url"), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      // The SVG is drawn by our own server from a signed token; it carries no script.
      image.innerHTML = data.svg;
      failed.hidden = true;
      box.setAttribute("data-renewed", String(Date.now()));
      schedule((data.refresh_after_seconds || 30) * 1000);
    }).catch(function () {
      failed.hidden = false;
      schedule(5000);
    });
  }

  // A phone that slept may show a stale code: renew as soon as the page is seen again.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { refresh(); }
  });
  schedule(every);
})();
