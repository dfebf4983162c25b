// WeComSuccession admin dashboard: small progressive enhancements. Every page works without this file:
// forms post, links navigate, <details> opens, and a chart's container shows its fallback text.
// Load with <script src="/js/admin.js" defer></script>, after /lib/echarts/echarts.min.js if the page has charts.
// No inline script is needed anywhere (chart options come from <script type="application/json">).
(function () {
  "use strict";

  // Select all: <input type="checkbox" data-select-all="ids" hidden> selects every checkbox named "ids" in the
  // same form. It is hidden in the markup, so that without this script no dead control shows.
  // An element with data-selected-count="ids" shows how many are checked.
  function updateSelection(form, name) {
    var boxes = form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    var checked = 0;
    boxes.forEach(function (b) { if (b.checked) { checked++; } });
    form.querySelectorAll('[data-select-all="' + name + '"]').forEach(function (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    });
    document.querySelectorAll('[data-selected-count="' + name + '"]').forEach(function (el) {
      el.textContent = String(checked);
    });
    form.querySelectorAll('[data-requires-selection="' + name + '"]').forEach(function (btn) {
      btn.disabled = checked === 0;
    });
  }

  function initSelectAll(root) {
    root.querySelectorAll("[data-select-all]").forEach(function (all) {
      var form = all.form || all.closest("form") || document;
      var name = all.getAttribute("data-select-all");
      all.hidden = false;
      all.addEventListener("change", function () {
        form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (b) {
          b.checked = all.checked;
        });
        updateSelection(form, name);
      });
      form.addEventListener("change", function (e) {
        if (e.target && e.target.name === name) { updateSelection(form, name); }
      });
      updateSelection(form, name);
    });
  }

  // Confirm: a submit button or form with data-confirm="…" asks before it posts (bulk retry, re-assign all).
  // Without the script the server's own checks still apply; the question is a courtesy, not a guard.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var submitter = e.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      e.preventDefault();
    }
  });

  // Dialogs: <a href="?reassign=42" data-dialog-open="reassign-42"> opens <dialog id="reassign-42"> in
  // place; without the script the link loads a page that renders the same form. data-dialog-close closes.
  // Print: <button type="button" data-print hidden> is shown by init (without the script, Ctrl+P still prints).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) {
      window.print();
      return;
    }
    var opener = e.target.closest && e.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog && typeof dialog.showModal === "function") {
        e.preventDefault();
        dialog.showModal();
      }
      return;
    }
    var closer = e.target.closest && e.target.closest("[data-dialog-close]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) {
        e.preventDefault();
        open.close();
      }
    }
  });

  // Charts: <div class="chart" data-echarts="#trend"> + <script type="application/json" id="trend">{ECharts option}</script>.
  // SVG renderer: crisp when printed or zoomed. The theme keeps the dashboard's colours and fonts.
  var charts = [];
  function initCharts(root) {
    if (!window.echarts) { return; }
    if (!window.echarts.getTheme || !window.echarts.getTheme("wecom")) {
      var css = getComputedStyle(document.documentElement);
      window.echarts.registerTheme("wecom", {
        color: ["#0082ef", "#0b8a4f", "#f0a040", "#cf2a20", "#22a6bb", "#8f76ec", "#86909c"],
        textStyle: { fontFamily: css.getPropertyValue("--font").trim() || "sans-serif", color: "#4e5969" },
        title: { textStyle: { color: "#1d2129", fontSize: 14, fontWeight: 600 } },
        legend: { textStyle: { color: "#4e5969" }, itemWidth: 10, itemHeight: 10 },
        categoryAxis: { axisLine: { lineStyle: { color: "#c9cdd4" } }, axisTick: { show: false }, axisLabel: { color: "#86909c" } },
        valueAxis: { axisLine: { show: false }, splitLine: { lineStyle: { color: "#eef0f3" } }, axisLabel: { color: "#86909c" } },
      });
    }
    root.querySelectorAll("[data-echarts]").forEach(function (el) {
      var source = document.querySelector(el.getAttribute("data-echarts"));
      if (!source || window.echarts.getInstanceByDom(el)) { return; }
      var option;
      try {
        option = JSON.parse(source.textContent);
      } catch (err) {
        console.error("chart " + el.getAttribute("data-echarts") + ": invalid JSON", err);
        return;
      }
      el.textContent = "";
      var chart = window.echarts.init(el, "wecom", { renderer: el.getAttribute("data-echarts-renderer") || "svg" });
      chart.setOption(option);
      charts.push(chart);
    });
  }

  function resizeCharts() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeCharts);
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);

  function init(root) {
    root.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
    initSelectAll(root);
    initCharts(root);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:afterSettle", function (e) { init(e.target); });
})();
