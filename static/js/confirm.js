/* Asks before a final or destructive POST. The question is the (translated) text of a
   data-confirm attribute, found on the first of these that has one:
     1. the submit button that sent the form;
     2. a chosen control of the form: a selected <option> or a checked checkbox or radio button
        (a status select whose "declined" option is final; a "remove" box ticked on a row);
     3. the <form> itself.
   Cancelling the browser's dialog stops the submission; nothing is sent. Loaded by base.html as a
   file of its own: the CSP allows no inline script. Without JavaScript the forms still work, unasked. */
(function () {
  "use strict";

  function question(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) {
      return submitter.getAttribute("data-confirm");
    }
    var chosen = form.querySelector("option[data-confirm]:checked, input[data-confirm]:checked");
    if (chosen) {
      return chosen.getAttribute("data-confirm");
    }
    return form.getAttribute("data-confirm");
  }

  /* Capture phase on the document: runs before any other submit handler, for forms added later too. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var text = question(form, event.submitter || null);
    if (text && !window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
