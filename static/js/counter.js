// Progressive enhancement: a live "n / max" counter under fields marked data-counter.
document.querySelectorAll("[data-counter][maxlength]").forEach(function (field) {
  var counter = document.createElement("div");
  counter.className = "form-text char-counter";
  counter.setAttribute("aria-live", "polite");
  var update = function () { counter.textContent = field.value.length + " / " + field.maxLength; };
  field.insertAdjacentElement("afterend", counter);
  field.addEventListener("input", update);
  update();
});
