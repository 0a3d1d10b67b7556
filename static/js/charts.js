// ESF-portalen dashboard: draws every chart on the page from the figure JSON the server wrote
// with json_script, using the vendored plotly.min.js. No inline code and no inline handlers:
// the page's only scripts are this file and Plotly, so `script-src 'self'` is enough.
//
// A click on a bar (or tile) opens the URL in its customdata[0]: the project list filtered to
// that bar, built by the server. On touch screens the first tap shows the numbers and a
// second tap on the same bar opens the list. The tables under the charts hold the same
// numbers and links, for keyboards, screen readers and browsers without JavaScript.
//
// A figure's button menu (layout.updatemenus, the map's measures) becomes HTML buttons above
// the chart, outside its role="img" box: Plotly's own are SVG that a keyboard cannot reach and
// that show the chosen one by colour alone. Each is a toggle (aria-pressed) with a tick.
(function () {
  "use strict";

  var charts = document.querySelectorAll("[data-chart]");
  if (!charts.length) {
    return;
  }
  if (!window.Plotly) {
    // Plotly did not load: show the tables instead of empty boxes.
    document.querySelectorAll("details.chart-table").forEach(function (details) {
      details.open = true;
    });
    return;
  }

  // Below this width (px) bar charts label their categories with the short labels the server
  // put in each trace's meta.short (codes, shortened names); the full ones stay in the hover.
  var NARROW = 560;
  var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
  var config = {
    displaylogo: false,
    // Resizing is done below, at once: Plotly's own "responsive" waits 100 ms, and meanwhile
    // a chart drawn for a wide window makes a phone-width page scroll sideways.
    responsive: false,
    // No toolbar: its buttons are links, and focusable controls inside the role="img"
    // container would be hidden from screen readers (axe: nested-interactive). The same
    // numbers are in the table and in the CSV export.
    displayModeBar: false
  };

  function linkOf(point) {
    var data = point && point.customdata;
    var url = Array.isArray(data) ? data[0] : data;
    // Only paths on this site: never follow a full URL that found its way into the data.
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  // The figure to draw at a width: the server's, or with short category labels when narrow.
  function shaped(chart, width) {
    var figure = chart.figure;
    var layout = JSON.parse(JSON.stringify(figure.layout || {}));
    if (chart.menu) {
      // drawn as HTML buttons (measureButtons), so without the room kept for them above
      delete layout.updatemenus;
      layout.margin = Object.assign({}, layout.margin, { t: 4 });
    }
    // The <figcaption> shows the same title as text that wraps; Plotly's title cannot wrap
    // and would be cut off on a phone.
    layout.title = { text: "" };
    layout.width = width;
    var data = chosen(chart, figure.data || []);
    if (width >= NARROW) {
      return { data: data, layout: layout };
    }
    var shorter = {};
    data = data.map(function (trace) {
      var columns = trace.type === "heatmap" && trace.z && trace.z[0] ? trace.z[0].length : 0;
      if (columns > 3 && trace.textfont && trace.textfont.size > 10) {
        // four tiles abreast on a phone: a smaller font keeps the long names inside theirs
        return Object.assign({}, trace, { textfont: Object.assign({}, trace.textfont, { size: 10 }) });
      }
      if (!trace.meta || !trace.meta.short) {
        return trace;
      }
      trace.y.forEach(function (label, index) {
        shorter[label] = trace.meta.short[index];
      });
      return Object.assign({}, trace, { y: trace.meta.short });
    });
    ["xaxis", "xaxis2"].forEach(function (name) {
      var axis = layout[name];
      // fewer value ticks, so that they fit without turning on their side
      if (axis && axis.type !== "category" && axis.dtick === undefined) {
        axis.nticks = 3;
      } else if (axis && axis.dtick === 1) {
        axis.dtick = 2; // every other year
      }
    });
    ["yaxis", "yaxis2"].forEach(function (name) {
      var axis = layout[name];
      if (axis && axis.categoryarray) {
        axis.categoryarray = axis.categoryarray.map(function (label) {
          return shorter[label] || label;
        });
      }
    });
    return { data: data, layout: layout };
  }

  // The traces with the chosen button's restyle applied (one value per trace), so that a
  // redraw for another width keeps the measure chosen.
  function chosen(chart, data) {
    if (!chart.menu || !chart.choice) {
      return data;
    }
    var update = chart.menu.buttons[chart.choice].args[0];
    return data.map(function (trace, index) {
      var changed = Object.assign({}, trace);
      Object.keys(update).forEach(function (name) {
        changed[name] = update[name][index];
      });
      return changed;
    });
  }

  // A row of toggle buttons for the figure's first button menu, inserted before the chart.
  function measureButtons(chart) {
    var menus = (chart.figure.layout || {}).updatemenus || [];
    var menu = menus[0];
    if (!menu || menu.type !== "buttons" || !menu.buttons) {
      return;
    }
    chart.menu = menu;
    chart.choice = menu.active || 0;
    var group = document.createElement("div");
    group.className = "chart-measures";
    group.setAttribute("role", "group");
    // named by the menu and the chart, since a page has more than one map
    var figure = chart.element.closest("figure");
    var title = figure && figure.querySelector("h3");
    var name = [menu.name, title && title.textContent.trim()].filter(Boolean).join(": ");
    if (name) {
      group.setAttribute("aria-label", name);
    }
    var buttons = menu.buttons.map(function (spec, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chart-measure";
      button.textContent = spec.label;
      button.setAttribute("aria-pressed", String(index === chart.choice));
      button.addEventListener("click", function () {
        chart.choice = index;
        buttons.forEach(function (other, otherIndex) {
          other.setAttribute("aria-pressed", String(otherIndex === index));
        });
        Plotly.restyle(chart.element, spec.args[0]);
      });
      group.appendChild(button);
      return button;
    });
    chart.element.parentNode.insertBefore(group, chart.element);
  }

  var drawn = [];

  function draw(chart, width) {
    var shape = shaped(chart, width);
    chart.width = width;
    chart.narrow = width < NARROW;
    return Plotly.react(chart.element, shape.data, shape.layout, config);
  }

  function fit() {
    drawn.forEach(function (chart) {
      var width = chart.element.clientWidth;
      if (!width || width === chart.width) {
        return;
      }
      if ((width < NARROW) !== chart.narrow) {
        draw(chart, width);
      } else {
        chart.width = width;
        Plotly.relayout(chart.element, { width: width });
      }
    });
  }
  window.addEventListener("resize", fit);

  charts.forEach(function (element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source) {
      return;
    }
    var chart = { element: element, figure: JSON.parse(source.textContent) };
    element.textContent = "";
    measureButtons(chart);
    var tapped = null;
    draw(chart, element.clientWidth).then(function () {
      element.classList.add("chart--drawn");
      drawn.push(chart);
      element.on("plotly_click", function (event) {
        var url = linkOf(event && event.points && event.points[0]);
        if (!url) {
          return;
        }
        if (touch && tapped !== url) {
          tapped = url;
          return;
        }
        window.location.assign(url);
      });
    });
  });
})();
