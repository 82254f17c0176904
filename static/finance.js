// Polls a projection run's status and reloads the page when it has finished (or failed).
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        box.querySelector("[data-testid=status]").textContent = run.status;
        box.querySelector("[data-testid=message]").textContent = run.message;
        var bar = box.querySelector("progress");
        bar.value = run.progress;
        bar.textContent = run.progress + "%";
        if (run.status === "done" || run.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.getAttribute("data-status") !== "done" && box.getAttribute("data-status") !== "failed") {
    window.setTimeout(poll, 500);
  }
})();
