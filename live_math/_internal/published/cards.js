// Cards and sidenotes. Everything they show is already on the page, typeset at build time, and every
// reference is an ordinary link to it; this only adds convenience:
// - hovering or focusing a cross-reference (a.lm-xref), citation (a.lm-cite) or footnote call
//   (a.footnote-ref) shows a copy of its target in a card beside it; Escape, leaving or blurring hides it;
// - on very wide screens, each footnote is also shown in the right margin beside the line that calls it.
(function () {
  "use strict";
  var TRIGGERS = "a.lm-xref, a.lm-cite, a.footnote-ref";
  var WIDE = window.matchMedia("(min-width: 100em)");
  var card = null;
  var owner = null;
  var hideTimer = null;

  function targetOf(link) {
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) !== "#") return null; // on a listing page the target is on the post's own page
    return document.getElementById(decodeURIComponent(href.slice(1)));
  }

  // A copy that adds no ids, tab stops, back-links or numbers twice.
  function copyOf(target) {
    var copy = target.cloneNode(true);
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
    copy.querySelectorAll(".footnote-backref, .lm-ref-number, .headerlink").forEach(function (node) {
      node.remove();
    });
    copy.querySelectorAll("a, [tabindex]").forEach(function (node) { node.setAttribute("tabindex", "-1"); });
    if (copy.tagName !== "LI") return copy;
    // A list item alone is not valid outside its list: keep its content only.
    var content = document.createElement("div");
    while (copy.firstChild) content.appendChild(copy.firstChild);
    return content;
  }

  function ensureCard() {
    if (!card) {
      card = document.createElement("div");
      card.id = "lm-card";
      card.className = "lm-card md-typeset";
      card.setAttribute("role", "tooltip");
      card.hidden = true;
      card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      card.addEventListener("mouseleave", scheduleHide);
      document.body.appendChild(card);
    }
    return card;
  }

  function show(link) {
    var target = targetOf(link);
    if (!target) return;
    clearTimeout(hideTimer);
    if (owner === link) return;
    hide();
    var box = ensureCard();
    box.replaceChildren(copyOf(target));
    box.dataset.kind = link.classList.contains("footnote-ref") ? "footnote" : (link.dataset.lmKind || "citation");
    // A typeset formula reads as MathML, which gives the tooltip no name: name it after the link.
    if (box.dataset.kind === "equation") box.setAttribute("aria-label", "Equation " + link.textContent.trim());
    else box.removeAttribute("aria-label");
    box.hidden = false;
    owner = link;
    link.setAttribute("aria-describedby", box.id);
    place(box, link);
  }

  // Below the link, or above it when there is no room below; never wider than the viewport.
  function place(box, link) {
    var rect = link.getBoundingClientRect();
    var margin = 8;
    box.style.left = "0px";
    box.style.top = "0px";
    var width = box.offsetWidth;
    var height = box.offsetHeight;
    var left = Math.min(Math.max(margin, rect.left), window.innerWidth - width - margin);
    var top = rect.bottom + margin;
    if (top + height > window.innerHeight && rect.top - margin - height > 0) top = rect.top - margin - height;
    box.style.left = Math.max(margin, left) + window.scrollX + "px";
    box.style.top = top + window.scrollY + "px";
  }

  function hide() {
    clearTimeout(hideTimer);
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
    if (card) card.hidden = true;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250); // time to move the pointer onto the card (WCAG 1.4.13: hoverable)
  }

  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest(TRIGGERS);
    if (link) show(link);
  });
  document.addEventListener("mouseout", function (event) {
    var link = event.target.closest && event.target.closest(TRIGGERS);
    if (link && link === owner && !link.contains(event.relatedTarget)) scheduleHide();
  });
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest(TRIGGERS);
    if (link) show(link);
  });
  document.addEventListener("focusout", function (event) {
    if (event.target === owner) hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && owner) hide(); // WCAG 1.4.13: dismissible without moving focus
  });

  // Sidenotes: copies of the footnotes, hidden from assistive technology (which reads the footnotes
  // themselves), placed in a margin that the stylesheet opens on very wide screens only.
  function layoutSidenotes() {
    document.querySelectorAll(".lm-sidenote").forEach(function (note) { note.remove(); });
    // Material's article, else the main content of another theme (mkdocs, readthedocs: role="main").
    var article = document.querySelector("article.md-content__inner") || document.querySelector("[role=main], main");
    var calls = article ? article.querySelectorAll("a.footnote-ref") : [];
    var active = WIDE.matches && calls.length > 0;
    document.body.classList.toggle("lm-sidenotes", active);
    if (!active) return;
    var origin = article.getBoundingClientRect().top;
    var bottom = 0;
    calls.forEach(function (call) {
      var footnote = targetOf(call);
      if (!footnote) return;
      var note = document.createElement("div");
      note.className = "lm-sidenote";
      note.setAttribute("aria-hidden", "true");
      var number = document.createElement("span");
      number.className = "lm-sidenote__number";
      number.textContent = call.textContent;
      note.appendChild(number);
      var copy = copyOf(footnote);
      while (copy.firstChild) note.appendChild(copy.firstChild);
      article.appendChild(note);
      var top = Math.max(call.getBoundingClientRect().top - origin, bottom);
      note.style.top = top + "px";
      bottom = top + note.offsetHeight + 12;
    });
  }

  function start() {
    layoutSidenotes();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(layoutSidenotes);
  }
  // document$ is Material's page-load observable: it also fires after instant navigation.
  if (typeof document$ !== "undefined") document$.subscribe(start);
  else document.addEventListener("DOMContentLoaded", start);
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(layoutSidenotes, 100);
    hide();
  });
})();
