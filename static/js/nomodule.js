// Runs only in browsers too old for the participant page.
document.getElementById("loading").textContent =
  "This browser is too old for this page. Please open the link in another browser.";
