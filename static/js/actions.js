// Buttons that need a line of script, without inline handlers (the Content-Security-Policy
// forbids onclick=""): a button marked data-print prints the page; a submit button marked
// data-confirm="question" asks first and submits only when confirmed.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print], [data-confirm]");
  if (!button) return;
  if (button.hasAttribute("data-print")) {
    event.preventDefault();
    window.print();
  } else if (!window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
