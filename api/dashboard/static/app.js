/* Earful dashboard: charts (uPlot) drawn from the JSON the page carries, and a few conveniences.
   Pages work without it: every chart has a table, every form submits normally. */
(function () {
  "use strict";

  var SENTIMENT_COLORS = { negative: "#c62828", neutral: "#8d8d8d", positive: "#2e7d32", unscored: "#b8c4d6" };
  var PALETTE = ["#1d4ed8", "#c2410c", "#047857", "#7c3aed", "#be185d", "#6b7280"];
  var TZ_COOKIE = "earful_tz";
  // Time ticks as day month and a 24-hour clock (uPlot's default is the US "3/5" and "12pm").
  // Columns: tick step (s), its label, then the label when the year, month, day, hour, minute,
  // second changes since the previous tick, and 1 = show that label only where it changes.
  var TIME_TICKS = [
    [3600 * 24 * 365, "{YYYY}", null, null, null, null, null, null, 1],
    [3600 * 24 * 28, "{MMM}", "\n{YYYY}", null, null, null, null, null, 1],
    [3600 * 24, "{D} {MMM}", "\n{YYYY}", null, null, null, null, null, 1],
    [3600, "{HH}:{mm}", "\n{D} {MMM} {YYYY}", null, "\n{D} {MMM}", null, null, null, 1],
    [60, "{HH}:{mm}", "\n{D} {MMM} {YYYY}", null, "\n{D} {MMM}", null, null, null, 1],
    [1, "{HH}:{mm}:{ss}", "\n{D} {MMM} {YYYY}", null, "\n{D} {MMM}", null, null, null, 1]
  ];

  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  /* The browser's time zone becomes the default for the next pages (a preference, not a secret). */
  function rememberZone() {
    var zone = browserZone();
    if (zone && document.cookie.indexOf(TZ_COOKIE + "=") === -1) {
      document.cookie = TZ_COOKIE + "=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Strict";
    }
  }

  function offerBrowserZone(root) {
    var zone = browserZone();
    root.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
      if (zone && !known) { select.add(new Option(zone + " (this device)", zone)); }
    });
  }

  function readData(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }

  /* Series given bottom to top become running sums, drawn tallest first so each shows its own band. */
  function stack(x, layers) {
    var sums = x.map(function () { return 0; });
    var stacked = layers.map(function (layer) {
      sums = sums.map(function (s, i) { return s + (layer.values[i] || 0); });
      return { name: layer.name, color: layer.color, values: sums.slice(), raw: layer.values };
    });
    return stacked.reverse();
  }

  /* Bars are centred on their bucket's start: leave half a bucket free at either end. */
  function padded(x) {
    var half = x.length > 1 ? (x[1] - x[0]) / 2 : 1800;
    return function () { return [x[0] - half, x[x.length - 1] + half]; };
  }

  function chartHeight(el) { return window.matchMedia("(max-width: 40rem)").matches ? 220 : 280; }

  function plot(el, data, layers, opts) {
    var series = [{}].concat(layers.map(function (l) {
      return opts.bars
        ? { label: l.name, fill: l.color, stroke: l.color, width: 0, paths: uPlot.paths.bars({ size: [0.85, 64] }), points: { show: false } }
        : { label: l.name, stroke: l.color, width: l.width || 2, dash: l.dash, points: { show: false } };
    }));
    var readout = el.parentNode.querySelector(".chart-readout");
    var u = new uPlot({
      width: Math.max(280, el.clientWidth), height: chartHeight(el),
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), data.tz || "UTC"); },
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: opts.bars ? { time: true, range: padded(data.x) } : { time: true }, y: { range: function (u, min, max) { return opts.yRange || [0, Math.max(1, Math.ceil(max * 1.08))]; } } },
      series: series,
      bands: opts.bands,
      axes: [{ stroke: "#374151", grid: { stroke: "#eef0f3" }, values: TIME_TICKS },
             { stroke: "#374151", grid: { stroke: "#eef0f3" }, size: 52, values: opts.axisValues }],
      hooks: { setCursor: [function (u) { if (readout) { readout.textContent = opts.describe(u.cursor.idx); } }],
               drawAxes: opts.drawBehind ? [opts.drawBehind] : [] }
    }, [data.x].concat(layers.map(function (l) { return l.values; })), el);
    if (opts.links) {
      u.over.addEventListener("click", function () {
        var i = u.cursor.idx;
        if (i !== null && i !== undefined && opts.links[i]) { window.location.assign(opts.links[i]); }
      });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(function () { u.setSize({ width: Math.max(280, el.clientWidth), height: chartHeight(el) }); }).observe(el);
    }
    return u;
  }

  function trendChart(el, data) {
    var order = ["negative", "neutral", "positive", "unscored"];
    var layers = data.groups
      ? data.groups.map(function (g, i) { return { name: g.name, color: PALETTE[i % PALETTE.length], values: g.values }; })
      : stack(data.x, order.map(function (n) { return { name: n, color: SENTIMENT_COLORS[n], values: data.series[n] }; }));
    plot(el, data, layers, {
      bars: !data.groups, links: data.links,
      describe: function (i) {
        if (i === null || i === undefined) { return ""; }
        var parts = (data.groups ? layers : layers.slice().reverse()).map(function (l) {
          return (l.raw || l.values)[i] + " " + l.name;
        });
        return data.labels[i] + ": " + parts.join(", ") + " (click to read them)";
      }
    });
  }

  function lineChart(el, data) {
    var layers = data.lines.map(function (l, i) { return { name: l.name, color: PALETTE[i % PALETTE.length], values: l.values }; });
    plot(el, data, layers, {
      yRange: data.range, links: data.links,
      axisValues: data.percent ? function (u, ticks) { return ticks.map(function (t) { return Math.round(t * 100) + "%"; }); } : undefined,
      describe: function (i) {
        if (i === null || i === undefined) { return ""; }
        return data.labels[i] + ": " + layers.map(function (l) {
          var v = l.values[i];
          return l.name + " " + (v === null ? "—" : data.percent ? Math.round(v * 100) + "%" : v);
        }).join(", ");
      }
    });
  }

  /* The window that raised an incident, shaded behind the series. */
  function shadeWindow(span) {
    return function (u) {
      var a = u.valToPos(span[0], "x", true), b = u.valToPos(span[1], "x", true);
      var left = Math.max(u.bbox.left, Math.min(a, b)), right = Math.min(u.bbox.left + u.bbox.width, Math.max(a, b));
      if (right <= left) { return; }
      u.ctx.save();
      u.ctx.fillStyle = "rgba(245, 158, 11, 0.16)";
      u.ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
      u.ctx.restore();
    };
  }

  /* Observed against the expected band: the band filled between its low and high edges. */
  function bandChart(el, data) {
    var layers = [
      { name: "expected low", color: "#94a3b8", values: data.low, dash: [4, 4], width: 1 },
      { name: "expected high", color: "#94a3b8", values: data.high, dash: [4, 4], width: 1 },
      { name: "expected", color: "#475569", values: data.expected, dash: [8, 4] },
      { name: "all mentions", color: "#1d4ed8", values: data.observed, width: 3 }
    ];
    if (data.negative) { layers.push({ name: "negative", color: "#c62828", values: data.negative, width: 2 }); }
    plot(el, data, layers, {
      links: data.links, bands: [{ series: [2, 1], fill: "rgba(100, 116, 139, 0.2)" }],
      drawBehind: data.window ? shadeWindow(data.window) : null,
      describe: function (i) {
        if (i === null || i === undefined) { return ""; }
        var one = function (v) { return Math.round(v * 10) / 10; };
        return data.labels[i] + ": " + data.observed[i] + " mentions" +
          (data.negative ? " (" + data.negative[i] + " negative)" : "") + ", expected " + one(data.expected[i]) +
          " (band " + one(data.low[i]) + "–" + one(data.high[i]) + "); click to read them";
      }
    });
  }

  var CHARTS = { trend: trendChart, lines: lineChart, band: bandChart };

  /* On a phone the filters start folded (unless some are set), so results show on the first screen. */
  function foldFilters(root) {
    if (!window.matchMedia("(max-width: 40rem)").matches) { return; }
    root.querySelectorAll("details[data-fold-narrow]").forEach(function (d) {
      if (!d.hasAttribute("data-active")) { d.open = false; }
    });
  }

  function init(root) {
    offerBrowserZone(root);
    foldFilters(root);
    if (typeof uPlot === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.getAttribute("data-drawn")) { return; }
      var data = readData(el);
      var draw = CHARTS[el.getAttribute("data-chart")];
      if (data && draw) { el.setAttribute("data-drawn", "1"); draw(el, data); }
    });
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; } catch (e) { return ""; }
  }

  /* The parts of the page that show an action's effect, read again from the server; the new ones start
     ready (buttons enabled), and focus that was in a replaced part goes to the action's message. */
  function refresh(ids, message) {
    return fetch(window.location.pathname, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ids.forEach(function (id) {
          var current = document.getElementById(id), next = fresh.getElementById(id);
          if (!current || !next) { return; }
          var focused = current.contains(document.activeElement);
          next.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
          current.replaceWith(next);
          if (focused) { message.focus(); }
        });
      });
  }

  function problemOf(response, body) {
    if (response.status === 404 || response.status === 405) { return "this server cannot do that yet (HTTP " + response.status + ")"; }
    var detail = body && body.detail;
    return (typeof detail === "string" ? detail : "HTTP " + response.status);
  }

  /* Forms marked api-action send their pressed button's value as JSON to the API (with the CSRF token). */
  function apiAction(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("api-action")) { return; }
    event.preventDefault();
    var button = event.submitter, result = document.getElementById(form.getAttribute("aria-describedby"));
    if (!button) { return; }
    var body = {}, field = form.getAttribute("data-field");
    if (field) { body[field] = form.hasAttribute("data-number") ? Number(button.value) : button.value; }
    result.textContent = "Sending …";
    fetch(form.action, { method: form.getAttribute("data-method") || "POST", credentials: "same-origin",
                         body: field ? JSON.stringify(body) : null,
                         headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() } })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (answer) {
          if (!response.ok) { throw new Error(problemOf(response, answer)); }
          form.querySelectorAll("button[aria-pressed]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
          if (field === "verdict") { button.setAttribute("aria-pressed", "true"); }
          result.textContent = "Done: " + button.textContent.trim() + (answer && answer.until ? " (until " + new Date(answer.until).toLocaleString() + ")" : "") + ".";
          return refresh(["incident-status", "resume-form"], result);
        });
      })
      .catch(function (error) { result.textContent = "Not done: " + error.message; });
  }

  /* Selects of a form marked data-autosubmit send it as soon as they change. */
  function autosubmit(event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  }

  /* After htmx replaced part of the page: say what changed, and keep focus somewhere sensible. */
  function afterSwap(event) {
    var title = event.detail.target && document.getElementById("results-title");
    var announce = document.getElementById("announce");
    if (title && announce) { announce.textContent = title.textContent.replace(/\s+/g, " ").trim(); }
    if (title && (!document.activeElement || document.activeElement === document.body)) { title.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    rememberZone();
    init(document);
    document.addEventListener("change", autosubmit);
    document.addEventListener("submit", apiAction);
    document.querySelectorAll("form.api-action button[disabled]").forEach(function (b) { b.disabled = false; });
    document.body.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
    document.body.addEventListener("htmx:afterSettle", afterSwap);
    if (window.performance && performance.mark) { performance.mark("earful-ready"); }  /* bench/dashboard.py */
  });
})();
