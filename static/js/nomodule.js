// Runs only in browsers too old for the participant page: say so in the reader's language.
(function () {
  var codes = ["en", "ru", "uk", "fr", "de", "es", "it", "ar", "sr-Latn", "sq", "mk", "tr"];
  var node = document.getElementById("loading");
  var wanted = String(navigator.language || navigator.userLanguage || "en").toLowerCase();
  var code = "en";
  for (var i = 0; i < codes.length; i += 1) {
    var lower = codes[i].toLowerCase();
    if (wanted === lower || wanted.split("-")[0] === lower.split("-")[0]) {
      code = codes[i];
      break;
    }
  }
  function t(key, catalogue) {
    return catalogue[key] || "";
  }
  function show(catalogue) {
    node.textContent = t("join.tooOld", catalogue);
    document.documentElement.lang = code;
    document.documentElement.dir = code === "ar" ? "rtl" : "ltr";
  }
  var request = new XMLHttpRequest();
  request.open("GET", "/static/i18n/" + code + ".json", true);
  request.onload = function () {
    try {
      show(JSON.parse(request.responseText));
    } catch (error) {
      node.textContent = "This browser is too old for this page. Please open the link in another browser.";
    }
  };
  request.onerror = function () {
    node.textContent = "This browser is too old for this page. Please open the link in another browser.";
  };
  request.send();
})();
