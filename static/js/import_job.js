/* An import job's page while the job waits or runs: ask the job's JSON (data-status-url) every two
   seconds and move the progress bar; reload the page when the job's state changes (it starts, has
   read every row, or has finished: the page then shows the report). Without JavaScript the page's
   refresh link does the same. */
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var status = box.getAttribute("data-status");
  var readBefore = parseInt(box.getAttribute("data-rows-done"), 10) || 0;
  var bar = document.getElementById("import-progress");
  var count = document.getElementById("import-progress-count");
  var INTERVAL = 2000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(poll, INTERVAL); return; }
        var allRead = job.rows_done >= job.rows_total && readBefore < job.rows_total;
        if (job.finished || job.status !== status || allRead) { window.location.reload(); return; }
        if (bar) { bar.max = Math.max(job.rows_total, 1); bar.value = job.rows_done; }
        if (count) { count.textContent = job.rows_done + " / " + job.rows_total; }
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () { window.setTimeout(poll, INTERVAL); });
  }
  window.setTimeout(poll, INTERVAL);
}());
