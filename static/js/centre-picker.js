// Centre picker: a polling-centre code field with data-centre-search gets suggestions (code and name) as the
// clerk types, from the server, limited to the clerk's own area. Without this script the field stays a plain
// text field for the code. A <datalist> keeps the browser's own accessible list (CSP forbids inline scripts).
(function () {
  function attach(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-options";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      clearTimeout(timer);
      if (text.length < 2 || text === asked) { return; }
      timer = setTimeout(function () {
        asked = text;
        var url = input.dataset.centreSearch + "?q=" + encodeURIComponent(text);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (centres) {
            if (text !== asked) { return; }  // a slower answer to an earlier prefix
            list.textContent = "";
            centres.forEach(function (centre) {
              var option = document.createElement("option");
              option.value = centre.code;
              option.label = centre.code + " · " + centre.name;
              option.textContent = centre.name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* no suggestions: the code can still be typed */ });
      }, 200);
    });
  }
  document.querySelectorAll("input[data-centre-search]").forEach(attach);
})();
