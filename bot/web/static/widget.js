/* Infolinia Klastra: the chat widget. Paste into any page:
     <script src="https://ADRES-INFOLINII/czat/widget.js" async></script>
   A button opens the chat in an iframe: the page's CSS cannot break it, nor ours the page's. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__infoliniaWidget) { return; }
  window.__infoliniaWidget = true;
  var origin = new URL(script.src).origin;
  var open = false;
  var frame = null;

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Czat z infolinią";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "infolinia-czat");
  var b = button.style;
  b.position = "fixed"; b.right = "16px"; b.bottom = "16px"; b.zIndex = "2147483647";
  b.font = "600 18px/1.2 system-ui, sans-serif"; b.padding = "14px 20px";
  b.minHeight = "52px"; b.border = "3px solid #fff"; b.borderRadius = "26px";
  b.background = "#0b3d91"; b.color = "#fff"; b.cursor = "pointer";
  b.boxShadow = "0 2px 10px rgba(0,0,0,.35)";

  function place() {
    var small = window.innerWidth < 600;
    var f = frame.style;
    f.position = "fixed"; f.zIndex = "2147483646"; f.border = "2px solid #0b3d91";
    f.background = "#fff"; f.boxShadow = "0 4px 24px rgba(0,0,0,.35)";
    if (small) {
      f.left = "0"; f.top = "0"; f.right = "auto"; f.bottom = "auto";
      f.width = "100%"; f.height = "calc(100% - 84px)"; f.borderRadius = "0";
    } else {
      f.left = "auto"; f.top = "auto"; f.right = "16px"; f.bottom = "84px"; f.width = "420px";
      f.height = "min(720px, calc(100vh - 100px))"; f.borderRadius = "12px";
    }
  }

  function toggle(show) {
    open = show;
    if (show && !frame) {
      frame = document.createElement("iframe");
      frame.id = "infolinia-czat";
      frame.title = "Czat z infolinią Klastra Energii";
      frame.src = origin + "/czat";
      place();
      document.body.appendChild(frame);
      window.addEventListener("resize", place);
    }
    if (frame) { frame.style.display = show ? "block" : "none"; }
    button.setAttribute("aria-expanded", String(show));
    button.textContent = show ? "Zamknij czat" : "Czat z infolinią";
    if (show) { frame.focus(); } else { button.focus(); }
  }

  button.addEventListener("click", function () { toggle(!open); });
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.data && event.data.infolinia === "zamknij") {
      toggle(false);
    }
  });
  function ready() { document.body.appendChild(button); }
  if (document.body) { ready(); } else { document.addEventListener("DOMContentLoaded", ready); }
})();
