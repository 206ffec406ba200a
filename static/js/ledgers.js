// The ledgers form: dates, when both are given, are used instead of the month, so typing one
// clears the other and what shows is what is sent.
document.querySelectorAll(".ledger-form").forEach(function (form) {
  form.addEventListener("input", function (event) {
    var fields = form.elements, name = event.target.name;
    if (!event.target.value) return;
    if (name === "month") { fields.start.value = ""; fields.end.value = ""; }
    if (name === "start" || name === "end") { fields.month.value = ""; }
  });
});
