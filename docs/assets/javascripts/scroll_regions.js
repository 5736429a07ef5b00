// A table or display formula wider than the screen scrolls sideways, and a keyboard can scroll it only
// if it can take focus (WCAG 2.1.1; axe-core: scrollable-region-focusable). Material does this for code
// blocks; this does it for tables and formulas, and only while they overflow, so they add no tab stops
// on a wide screen. The math itself is typeset at build time and needs none of this.
(function () {
  var SCROLLING = ".md-typeset__scrollwrap, .md-typeset div.arithmatex";

  function markScrollRegions() {
    document.querySelectorAll(SCROLLING).forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
      }
    });
  }

  // document$ is Material's page-load observable: it also fires after instant navigation.
  document$.subscribe(markScrollRegions);
  window.addEventListener("resize", markScrollRegions);
})();
