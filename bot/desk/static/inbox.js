// The inbox shows new tickets by itself: the page is reloaded every minute while it is in
// view (it has no form, so nothing typed is lost).
(function () {
  "use strict";
  var EVERY_MS = 60000;
  setInterval(function () {
    if (document.visibilityState === "visible") { location.reload(); }
  }, EVERY_MS);
}());
