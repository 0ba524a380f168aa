// The overview strip: the whole run at once, in the diagram's time axis. A row per node
// (down hatched, paused amber, crashes red ticks), partitions as pink bands, the number of
// events over the run as a grey profile, the violation as a red line, and a frame around
// what the diagram shows. Clicking or dragging centres the diagram there; the wheel zooms.
window.faultlineOverview = function (D, V, svg, actions) {
  'use strict';
  var ROW = 6, TOP = 4, PROFILE = 14;
  var nodes = D.lanes.map(function (l, k) { return l.kind === 'node' ? k : -1; }).filter(function (k) { return k >= 0; });
  var rowOf = {};
  nodes.forEach(function (l, n) { rowOf[l] = n; });
  var height = TOP + nodes.length * ROW + 4 + PROFILE + 2;
  var base = '', width = 0;
  function ox(c) { return (V.uOfColumn(c) / Math.max(1e-9, V.extent())) * width; }
  function build() {
    width = svg.clientWidth || svg.parentNode.clientWidth;
    svg.setAttribute('height', height);
    var out = [], bottom = height - 2;
    D.regions.forEach(function (r) {
      var x0 = ox(r.c0), w = Math.max(1, ox(r.c1) - x0);
      if (r.l < 0) out.push('<rect class="ov-partition" x="' + x0 + '" y="0" width="' + w + '" height="' + height + '"/>');
      else if (rowOf[r.l] !== undefined) out.push('<rect class="ov-' + r.kind + '" x="' + x0 + '" y="' + (TOP + rowOf[r.l] * ROW) + '" width="' + w + '" height="' + (ROW - 1) + '"/>');
    });
    D.events.forEach(function (e) {
      if (e.k === 'crash' && rowOf[e.l] !== undefined) out.push('<rect class="ov-crash" x="' + (ox(e.c) - 1) + '" y="' + (TOP + rowOf[e.l] * ROW - 1) + '" width="2" height="' + (ROW + 1) + '"/>');
    });
    // In simulated time, the number of events per pixel column as a profile along the bottom
    // (in event order every column holds one event, so there is nothing to show).
    if (V.mode === 'time') {
      var buckets = new Array(Math.max(1, Math.ceil(width / 2))).fill(0), most = 1;
      D.events.forEach(function (e) { var b = Math.min(buckets.length - 1, Math.floor(ox(e.c) / 2)); most = Math.max(most, ++buckets[b]); });
      var d = buckets.map(function (n, b) { return n ? 'M' + (b * 2) + ' ' + bottom + 'v-' + (1 + (PROFILE - 1) * n / most).toFixed(1) : ''; }).join('');
      out.push('<path class="ov-profile" d="' + d + '"/>');
    }
    D.marks.forEach(function (m) {
      if (m.kind === 'violation') out.push('<line class="ov-violation" x1="' + ox(m.c) + '" x2="' + ox(m.c) + '" y1="0" y2="' + height + '"/>');
    });
    base = out.join('');
  }
  var frame = '';
  function draw(c0, c1) {
    if (!base || (svg.clientWidth || svg.parentNode.clientWidth) !== width) build();
    var x0 = ox(c0), x1 = Math.max(x0 + 3, ox(c1));
    frame = '<rect class="ov-frame" x="' + x0 + '" y="0.5" width="' + (x1 - x0) + '" height="' + (height - 1) + '"/>';
    svg.innerHTML = base + frame;
  }
  function uAt(ev) { var r = svg.getBoundingClientRect(); return Math.max(0, Math.min(1, (ev.clientX - r.left) / r.width)) * V.extent(); }
  var dragging = false;
  svg.addEventListener('pointerdown', function (ev) { dragging = true; svg.setPointerCapture(ev.pointerId); actions.centre(uAt(ev)); });
  svg.addEventListener('pointermove', function (ev) { if (dragging) actions.centre(uAt(ev)); });
  svg.addEventListener('pointerup', function () { dragging = false; });
  svg.addEventListener('wheel', function (ev) { ev.preventDefault(); actions.zoom(ev.deltaY < 0 ? 1.25 : 0.8); }, { passive: false });
  return { draw: draw, rebuild: function () { base = ''; } };
};
