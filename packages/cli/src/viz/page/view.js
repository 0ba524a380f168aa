// Where things go across the diagram (used by diagram.js and overview.js): the time axis, in
// event order (each trace record its own column) or in simulated time (ms), and the zoom,
// in pixels per unit of that axis. `x(c)` places a column; the view knows which columns and
// events are on screen.
window.faultlineView = function (D, LEFT) {
  'use strict';
  var colTime = new Array(D.columns + 1), k;
  D.events.forEach(function (e) { colTime[e.c] = e.t; });
  D.marks.forEach(function (m) { colTime[m.c] = m.t; });
  var lastT = D.events.length ? D.events[D.events.length - 1].t : 0;
  colTime[D.columns] = Math.max(D.endMs, lastT);
  for (k = D.columns - 1; k >= 0; k--) if (colTime[k] === undefined) colTime[k] = colTime[k + 1];
  var V = { mode: 'order', scale: 18, PAD: 9 };
  V.extent = function () { return V.mode === 'order' ? D.columns : colTime[D.columns]; };
  V.uOfColumn = function (c) { return V.mode === 'order' ? c : colTime[Math.max(0, Math.min(D.columns, c))]; };
  V.x = function (c) { return LEFT + V.uOfColumn(c) * V.scale + V.PAD; };
  V.uAt = function (px) { return (px - LEFT - V.PAD) / V.scale; };
  V.timeAtColumn = function (c) { return colTime[Math.max(0, Math.min(D.columns, c))]; };
  /** The first column at or right of pixel px. */
  V.columnAt = function (px) {
    var u = V.uAt(px);
    if (V.mode === 'order') return Math.max(0, Math.ceil(u));
    var lo = 0, hi = D.columns;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (colTime[mid] < u) lo = mid + 1; else hi = mid; }
    return lo;
  };
  V.width = function () { return LEFT + V.extent() * V.scale + 2 * V.PAD + 460; };
  V.minScale = function (viewWidth) { return Math.max(1e-6, (viewWidth - LEFT - 2 * V.PAD - 30) / Math.max(1e-9, V.extent())); };
  V.maxScale = function () { return Math.max(1e-6, Math.min(V.mode === 'order' ? 40 : 4000, 8e6 / Math.max(1e-9, V.extent()))); };
  V.clamp = function (s, viewWidth) { return Math.min(V.maxScale(), Math.max(Math.min(V.minScale(viewWidth), V.maxScale()), s)); };
  /** Ticks for the axis between pixels a and b: [x, label]. */
  V.ticks = function (a, b) {
    var out = [], px;
    if (V.mode === 'order') {
      for (px = a; px < b; px += 100) out.push([px, V.timeAtColumn(V.columnAt(px))]);
      return out.map(function (p) { return [V.x(V.columnAt(p[0])), p[1]]; });
    }
    var step = Math.pow(10, Math.floor(Math.log10(100 / V.scale))), f = 100 / V.scale / step;
    step *= f > 5 ? 10 : f > 2 ? 5 : f > 1 ? 2 : 1;
    for (var t = Math.ceil(V.uAt(a) / step) * step; t <= V.uAt(b); t += step) out.push([LEFT + t * V.scale + V.PAD, t]);
    return out;
  };
  return V;
};
