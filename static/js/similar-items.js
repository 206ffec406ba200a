// 已有类似问题？ As a title is typed, public items with similar titles are listed under it
// (submissions/similar.py), so that a worker can follow one instead of filing again. The title
// is posted, never put in a URL; without this script the form is simply sent.
(function () {
  var box = document.getElementById("similar-cases");
  var title = document.querySelector('form.submission-form [name="title"]');
  if (!box || !title || !window.fetch) return;
  var list = box.querySelector(".similar-list");
  var csrf = document.querySelector('form.submission-form [name="csrfmiddlewaretoken"]');
  var timer = null;
  var asked = "";

  function show(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var entry = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = item.title;
      var label = document.createElement("span");
      label.className = "badge text-bg-light ms-1";
      label.textContent = item.label;
      entry.appendChild(link);
      entry.appendChild(label);
      list.appendChild(entry);
    });
    box.classList.toggle("d-none", items.length === 0);
  }

  function ask() {
    var text = title.value.trim();
    if (text === asked) return;
    asked = text;
    if (text.length < 3) return show([]);
    var body = new FormData();
    body.append("q", text);
    fetch(box.dataset.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
    })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) { if (title.value.trim() === text) show(data.items || []); })
      .catch(function () { show([]); });
  }

  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 500);
  });
})();
