// The check-in screen: a card reader that types (keyboard wedge) just submits the form
// with Enter. This adds the camera: where the browser has BarcodeDetector, it reads the
// phone's QR code and submits it. Elsewhere the button stays hidden and typing works.
(function () {
  "use strict";
  var form = document.querySelector("[data-checkin-form]");
  var box = document.querySelector("[data-camera]");
  if (!form || !box) return;
  var input = form.querySelector("input[name=card]");
  // The page title says what happened; focus stays in the card field for the next card.
  if (input && input.getAttribute("aria-invalid")) input.select();
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var start = box.querySelector("[data-camera-start]");
  var stop = box.querySelector("[data-camera-stop]");
  var video = box.querySelector("[data-camera-view]");
  var status = box.querySelector("[data-camera-status]");
  var stream = null;
  var timer = null;

  function halt() {
    if (timer) window.clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    box.hidden = false;

    function scan() {
      detector.detect(video).then(function (codes) {
        if (codes.length && codes[0].rawValue) {
          input.value = codes[0].rawValue;
          status.textContent = box.dataset.found || "";
          halt();
          form.requestSubmit();
          return;
        }
        timer = window.setTimeout(scan, 200);
      }).catch(function () { timer = window.setTimeout(scan, 400); });
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          start.hidden = true;
          stop.hidden = false;
          status.textContent = box.dataset.scanning || "";
          return video.play();
        })
        .then(scan)
        .catch(function () {
          halt();
          status.textContent = box.dataset.denied || "";
          input.focus();
        });
    });
    stop.addEventListener("click", function () { halt(); input.focus(); });
  }).catch(function () { /* no camera formats: typing still works */ });
})();
