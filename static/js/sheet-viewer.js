// Zoom and rotate the image of a tally sheet beside the entry form (no inline script: the CSP forbids it).
(function () {
  "use strict";
  document.querySelectorAll("[data-sheet-viewer]").forEach(function (viewer) {
    var scale = 1, angle = 0;
    var pictures = viewer.querySelectorAll("img");
    function apply() {
      pictures.forEach(function (picture) {
        picture.style.transform = "scale(" + scale + ") rotate(" + angle + "deg)";
      });
    }
    viewer.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        scale = button.dataset.zoom === "in" ? Math.min(scale * 1.25, 6) : Math.max(scale / 1.25, 0.5);
        apply();
      });
    });
    viewer.querySelectorAll("[data-rotate]").forEach(function (button) {
      button.addEventListener("click", function () {
        angle = (angle + Number(button.dataset.rotate)) % 360;
        apply();
      });
    });
  });
})();
