// The public submission form on a slow phone link. The server stays the authority; this only
// saves a long upload that would come back with an error:
// - required fields are checked before sending, with the server's own words
//   (data-required-message), and listed in the summary at the top, which takes the focus;
// - photos are shrunk to about 2000 px JPEG before upload (the server re-encodes anyway);
//   a photo the browser cannot decode (HEIC on Android) is sent as it is;
// - the chosen category's notice (e.g. call 119/110) shows next to the category.
(function () {
  var form = document.querySelector("form.submission-form");
  if (!form) return;
  var summary = document.getElementById("error-summary");

  function fieldBox(input) {
    return input.closest(".mb-3, .form-check, fieldset") || input.parentElement;
  }

  function clearError(input) {
    var box = fieldBox(input);
    box.querySelectorAll(".js-error").forEach(function (node) { node.remove(); });
    box.querySelectorAll(".is-invalid").forEach(function (node) {
      node.classList.remove("is-invalid");
      node.removeAttribute("aria-invalid");
    });
  }

  function showError(input, message) {
    var box = fieldBox(input);
    var note = document.createElement("p");
    note.className = "invalid-feedback d-block js-error";
    note.id = input.id + "_jserror";
    note.textContent = message;
    box.appendChild(note);
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
  }

  function isEmpty(input) {
    if (input.type === "checkbox") return !input.checked;
    if (input.type === "radio") return !form.querySelector('input[name="' + input.name + '"]:checked');
    return input.value.trim() === "";
  }

  function showSummary(problems) {
    var list = summary.querySelector("ul");
    list.textContent = "";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + problem.input.id;
      link.textContent = problem.message;
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.classList.remove("d-none");
    summary.focus();
  }

  // A link in the summary moves the focus to its field, not just the scroll position.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    }
  });
  if (!summary.classList.contains("d-none")) summary.focus();

  function missingFields() {
    var seen = {};
    var problems = [];
    form.querySelectorAll("[data-required-message]").forEach(function (input) {
      if (seen[input.name]) return;
      seen[input.name] = true;
      clearError(input);
      if (isEmpty(input)) {
        showError(input, input.dataset.requiredMessage);
        problems.push({ input: input, message: input.dataset.requiredMessage });
      }
    });
    return problems;
  }

  var maxSide = parseInt(form.dataset.shrinkSide, 10) || 2000;

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return Promise.reject(new Error("no createImageBitmap"));
  }

  // A smaller JPEG of the photo, or the original when it is small already or cannot be read.
  function shrink(file) {
    if (!/^image\//.test(file.type) || file.type === "image/gif") return Promise.resolve(file);
    return decode(file).then(function (bitmap) {
      var scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1024 * 1024) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function shrinkPhotos() {
    var input = form.querySelector('input[type="file"][name="photos"]');
    if (!input || !input.files.length || !window.DataTransfer) return Promise.resolve();
    return Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    }).catch(function () { /* send the originals */ });
  }

  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) return;
    var problems = missingFields();
    if (problems.length) {
      event.preventDefault();
      showSummary(problems);
      return;
    }
    event.preventDefault();
    sending = true;
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    // The button is named "submit", which hides form.submit: call the form's own method.
    shrinkPhotos().then(function () { HTMLFormElement.prototype.submit.call(form); });
  });

  // Back from the next page (bfcache): the form may be sent again.
  window.addEventListener("pageshow", function () {
    sending = false;
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = false;
  });

  // Fixing a field clears its browser-side error at once.
  form.addEventListener("change", function (event) {
    if (event.target.dataset && event.target.dataset.requiredMessage && !isEmpty(event.target)) {
      clearError(event.target);
    }
  });

  var category = form.querySelector('select[name="category"]');
  var notice = document.getElementById("category-notice");
  if (category && notice) {
    category.addEventListener("change", function () {
      var option = category.options[category.selectedIndex];
      var text = (option && option.dataset.notice) || "";
      notice.textContent = text;
      notice.classList.toggle("d-none", !text);
    });
  }
})();
