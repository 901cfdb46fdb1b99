"use strict";
// Name each empty autocomplete box after its placeholder ("No skill"). select2 names a box by
// its selection (a title) and leaves an empty one nameless, which screen readers (and axe)
// refuse. Runs after the admin's autocomplete.js has set the boxes up.
{
  const nameBox = (select) => {
    const box = document.getElementById(`select2-${select.id}-container`);
    if (!box) {
      return;
    }
    if (box.getAttribute("title")) {
      box.removeAttribute("aria-label");
    } else {
      box.setAttribute("aria-label", select.dataset.placeholder || "");
    }
  };
  const nameAll = (root) => root.querySelectorAll("select.admin-autocomplete").forEach(nameBox);

  window.addEventListener("load", () => {
    nameAll(document);
    if (window.django && django.jQuery) {
      // select2 reports a choice with jQuery's "change", which native listeners don't hear.
      django.jQuery(document).on("change", "select.admin-autocomplete", (event) => {
        nameBox(event.target);
      });
    }
  });
  // After autocomplete.js has set up the new row's boxes.
  document.addEventListener("formset:added", (event) => setTimeout(() => nameAll(event.target)));
}
