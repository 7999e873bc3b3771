/* The header's menu: folded on a phone (one line: emblem, name, "Menu"), open on a wide screen. */
(function () {
  "use strict";
  var menu = document.querySelector("header details.menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48rem)");
  var fit = function () { menu.open = wide.matches; };
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
})();
