// Slider figures (snippets/interactive.py): every frame was drawn when the site was built; this only
// swaps them. The HTML shows the default frame and a note on its own, so without this script (or with
// JavaScript off) the page still reads; here the note gives way to the slider.
(function () {
  var ANNOUNCE_AFTER_MS = 600; // describe the frame once the reader stops moving, not at every step

  function setUp(figure) {
    var data = JSON.parse(figure.querySelector(".live-slider__frames script").textContent);
    var holder = figure.querySelector(".live-slider__picture");
    var input = figure.querySelector("input[type=range]");
    var output = figure.querySelector("output");
    var status = figure.querySelector(".live-slider__status");
    var pictures = {}; // picture index -> its <svg>, cloned from its template the first time it shows
    var timer;
    pictures[figure.getAttribute("data-shown-picture")] = holder.querySelector("svg");

    function picture(index) {
      if (!pictures[index]) {
        var template = figure.querySelector('template[data-picture="' + index + '"]');
        var svg = template.content.firstElementChild.cloneNode(true);
        svg.setAttribute("role", "img");
        svg.setAttribute("class", "live-plot");
        svg.insertBefore(document.createElementNS("http://www.w3.org/2000/svg", "title"), svg.firstChild);
        pictures[index] = svg;
      }
      return pictures[index];
    }

    function show(step) {
      var svg = picture(data.pictures[step]);
      svg.setAttribute("aria-label", data.alts[step]);
      svg.querySelector("title").textContent = data.alts[step];
      if (holder.firstElementChild !== svg) holder.replaceChildren(svg);
      input.setAttribute("aria-valuetext", data.texts[step]);
      output.textContent = data.texts[step];
    }

    input.addEventListener("input", function () {
      var step = Number(input.value);
      show(step);
      clearTimeout(timer);
      timer = setTimeout(function () {
        status.textContent = data.alts[step];
      }, ANNOUNCE_AFTER_MS);
    });
    input.disabled = false;
    figure.querySelector(".live-slider__control").hidden = false;
    figure.querySelector(".live-slider__note").hidden = true;
    figure.setAttribute("data-ready", "");
    show(Number(input.value)); // a browser may restore a moved slider on reload
  }

  function setUpAll() {
    document.querySelectorAll(".live-slider:not([data-ready])").forEach(setUp);
  }

  // document$ is Material's page-load observable, which also fires after instant navigation (not enabled
  // here, but a theme setting away); without Material the page's own load event does.
  if (typeof document$ !== "undefined") {
    document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
