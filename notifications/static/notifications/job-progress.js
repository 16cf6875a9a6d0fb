// Keeps a running job's page current while JavaScript is on (without it, a <noscript>
// meta refresh reloads the page instead). Polls the job's JSON progress and updates the
// counts in place; when the job finishes, reloads once to show its messages.
(function () {
  "use strict";
  var container = document.getElementById("job-progress");
  if (!container || !container.dataset.progressUrl || !window.fetch) {
    return;
  }
  var url = container.dataset.progressUrl;
  var interval = (parseInt(container.dataset.interval, 10) || 5) * 1000;

  function show(field, value) {
    var elements = container.querySelectorAll('[data-field="' + field + '"], [data-count="' + field + '"]');
    for (var i = 0; i < elements.length; i++) {
      elements[i].textContent = value;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        if (progress.finished) {
          window.location.reload();
          return;
        }
        show("job_status_label", progress.job_status_label);
        show("processed", progress.processed);
        show("sending", progress.sending);
        show("delivered", progress.delivered);
        show("failed", progress.failed);
        window.setTimeout(poll, interval);
      })
      .catch(function () {
        // A failed poll (network, signed out) stops polling; the page still works.
      });
  }

  window.setTimeout(poll, interval);
})();
