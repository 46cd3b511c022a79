/* Charts of the centre dashboard. The data comes from <script type="application/json"
   id="metrics-charts"> (the CSP allows no inline script); each <figure data-chart="NAME"> gets a
   canvas, and its table (the fallback) is then kept for screen readers only. Without Chart.js or
   JavaScript the tables simply stay visible. */
(function () {
  "use strict";
  var source = document.getElementById("metrics-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#0b5394", "#9fc5e8", "#e69138", "#6aa84f"];
  var kinds = { months: "bar", kinds: "bar", sme: "doughnut" };

  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    var name = figure.getAttribute("data-chart");
    var spec = data[name];
    if (!spec) { return; }
    var type = kinds[name] || "bar";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", spec.title);
    var holder = document.createElement("div");
    holder.className = "metrics-chart";
    holder.style.position = "relative"; /* CSSOM, which the CSP allows; a style attribute it would not */
    holder.style.height = type === "doughnut" ? "14rem" : "16rem";
    holder.appendChild(canvas);
    figure.insertBefore(holder, figure.firstChild);
    var fallback = figure.querySelector(".chart-fallback");
    if (fallback) { fallback.classList.add("visually-hidden"); }
    new window.Chart(canvas, {
      type: type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, i) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: type === "doughnut" ? colours.slice(0, set.data.length) : colours[i % colours.length]
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
