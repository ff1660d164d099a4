// The managers' report: the period's preset and dates kept in agreement, and
// charts drawn from the same numbers as the tables beside them. Without
// Chart.js (or JavaScript) the tables remain, and dates, when given, make the
// period.
document.addEventListener("DOMContentLoaded", () => {
  const preset = document.getElementById("id_preset");
  const dates = ["id_date_from", "id_date_to"].map((id) => document.getElementById(id)).filter(Boolean);
  if (preset) {
    // A preset chosen clears the dates (which would win); a date typed makes the period custom.
    preset.addEventListener("change", () => {
      if (preset.value !== "custom") for (const input of dates) input.value = "";
    });
    for (const input of dates) {
      input.addEventListener("change", () => {
        if (input.value) preset.value = "custom";
      });
    }
  }
  if (typeof Chart === "undefined") return;
  const colours = ["#0b4f8a", "#c2410c", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#be123c"];
  for (const holder of document.querySelectorAll("[data-chart]")) {
    const data = JSON.parse(document.getElementById(holder.dataset.chart).textContent);
    // Long labels (learner categories) read better on horizontal bars, one row each.
    const horizontal = data.type === "bar" && data.labels.some((label) => label.length > 20);
    if (horizontal) holder.style.height = `${2 + data.labels.length * 1.6}rem`;
    const short = (label) => (label.length > 32 ? `${label.slice(0, 31)}…` : label);
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", data.title);
    holder.append(canvas);
    new Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: [{ label: data.title, data: data.values, backgroundColor: colours, borderColor: "#0b4f8a" }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false, // the holder's height (site.css) bounds the chart
        plugins: { legend: { display: data.type === "pie" } },
        indexAxis: horizontal ? "y" : "x",
        scales:
          data.type === "pie"
            ? {}
            : {
                [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } },
                [horizontal ? "y" : "x"]: {
                  ticks: { callback(value) { return short(this.getLabelForValue(value)); } },
                },
              },
      },
    });
  }
});
