// The space-time diagram page of `faultline replay --html`. Plain browser JavaScript, no
// dependencies: the model comes from the JSON in #faultline-data (see diagram-model.ts).
// Lanes run left to right, one per node and per client; an event's column is its place in
// the trace, so every arrow points forward in time. Only the columns in view are drawn, so
// a trace of thousands of events scrolls smoothly.
window.faultlineData('faultline-data').then(function (D) {
  'use strict';
  var LANE = 44, TOP = 34, LEFT = 104, BOTTOM = 18;
  var V = window.faultlineView(D, LEFT), G = window.faultlineGlyphs, glyph = G.glyph;
  var PALETTE = ['#2f6fec', '#1f9d55', '#8e44ad', '#d35400', '#16a5a5', '#c0392b', '#7f8c2d', '#b0468c'];
  var CLIENT_COLOUR = '#7a8599';
  var $ = function (id) { return document.getElementById(id); };
  var scroller = $('scroller'), sizer = $('sizer'), svg = $('svg'), labels = $('labels');

  var laneColour = D.lanes.map(function (l, k) { return l.kind === 'node' ? PALETTE[k % PALETTE.length] : CLIENT_COLOUR; });
  var shown = D.lanes.map(function () { return true; });
  var laneRow = [];
  var selected = -1;
  var partner = {}; // event index -> the other end(s) of its message arrows
  var lit = null; // record index -> true, when the page highlights some records (a causal slice) and fades the rest
  if (D.highlight) { lit = {}; D.highlight.forEach(function (i) { lit[i] = true; }); }
  D.arrows.forEach(function (a, k) {
    (partner[a.from] = partner[a.from] || []).push(k);
    if (a.to >= 0) (partner[a.to] = partner[a.to] || []).push(k);
  });

  // Client operations the violation's message names (request ids are client:n): their events get a red ring.
  var blamed = {};
  if (D.violation) (D.violation.message.match(/\bc\d+:\d+\b/g) || []).forEach(function (id) { blamed[id] = true; });

  function x(c) { return V.x(c); }
  function y(l) { return TOP + laneRow[l] * LANE + LANE / 2; }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (ch) { return '&#' + ch.charCodeAt(0) + ';'; }); }
  function ms(t) { return t.toFixed(3); }

  // ---- header, lane filter, legend ----
  $('title').textContent = D.title;
  document.title = 'faultline: ' + D.title;
  if (D.violation) {
    $('verdict').innerHTML = '<span class="bad">✗ ' + esc(D.violation.property) + ' violated at ' + ms(D.violation.atMs) + ' ms</span>' +
      '<span class="msg">' + esc(D.violation.message) + '</span><button id="goto-violation">go to violation (v)</button>';
    $('goto-violation').onclick = gotoViolation;
  } else {
    $('verdict').innerHTML = '<span class="good">✓ no property violated</span>';
  }
  $('lane-filter').innerHTML = 'Lanes: ' + D.lanes.map(function (l, k) {
    return '<label><input type="checkbox" data-lane="' + k + '" checked><span class="sw" style="background:' + laneColour[k] + '"></span>' + esc(l.id) + '</label>';
  }).join('');
  $('lane-filter').addEventListener('change', function (e) {
    var k = Number(e.target.getAttribute('data-lane'));
    shown[k] = e.target.checked;
    layout();
  });
  $('legend').innerHTML = [
    ['send', glyph('send', 10, 10, '#2f6fec', false)], ['receive', glyph('deliver', 10, 10, '#2f6fec', false)],
    ['state changed', glyph('deliver', 10, 10, '#2f6fec', true)], ['timer', glyph('timer', 10, 10, '#2f6fec', false)],
    ['crash', glyph('crash', 10, 10, '', false)], ['start / restart', glyph('start', 10, 10, '', false)],
    ['pause / resume', glyph('pause', 10, 10, '', false)], ['dropped', glyph('drop', 10, 10, '', false)],
    ['duplicated', glyph('dup', 10, 10, '', false)], ['client request', glyph('invoke', 10, 10, CLIENT_COLOUR, false)],
    ['reply received', glyph('complete', 10, 10, CLIENT_COLOUR, false)], ['timeout / give up', glyph('timeout', 10, 10, '', false)],
  ].map(function (p) { return '<span><svg width="20" height="20">' + p[1] + '</svg> ' + p[0] + '</span>'; }).join('') +
    '<span>hatched: node down · amber: paused · pink band: partition · red line: violation · red ring: an operation the violation names</span>';

  // ---- layout and drawing ----
  function layout() {
    var row = 0;
    for (var k = 0; k < D.lanes.length; k++) laneRow[k] = shown[k] ? row++ : -1;
    sizer.style.width = V.width() + 'px';
    sizer.style.height = (TOP + row * LANE + BOTTOM) + 'px';
    labels.innerHTML = D.lanes.map(function (l, k) {
      return shown[k] ? '<div class="' + l.kind + '" style="top:' + y(k) + 'px;color:' + (l.kind === 'node' ? laneColour[k] : '') + '">' + esc(l.id) + '</div>' : '';
    }).join('');
    labels.style.height = sizer.style.height;
    // The diagram takes the height its lanes need (and a scroll bar), up to 62% of the window.
    $('diagram').style.height = 'min(62vh, ' + (TOP + row * LANE + BOTTOM + 16) + 'px)';
    draw();
  }


  function firstAt(c) { // first event with column >= c
    var lo = 0, hi = D.events.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (D.events[mid].c < c) lo = mid + 1; else hi = mid; }
    return lo;
  }

  var pending = false, DETAIL = 2500, view = { c0: 0, c1: 0, detailed: true };
  var IMPORTANT = { crash: 1, restart: 1, start: 1, pause: 1, resume: 1, 'give-up': 1 };
  function draw() {
    pending = false;
    var left = scroller.scrollLeft, width = scroller.clientWidth, height = sizer.offsetHeight;
    var c0 = V.columnAt(left) - 2, c1 = V.columnAt(left + width) + 2;
    var xa = left - 20, xb = left + width + 20;
    svg.style.left = left + 'px';
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', left + ' 0 ' + width + ' ' + height);
    var out = ['<defs><pattern id="hatch" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="7" height="7" fill="rgba(120,128,145,.10)"/><line x1="0" y1="0" x2="0" y2="7" stroke="rgba(120,128,145,.35)" stroke-width="2"/></pattern>',
      '<marker id="ah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5 0 10z" fill="#5b6b8c"/></marker>',
      '<marker id="ah-hl" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5 0 10z" fill="#2f6fec"/></marker>',
      '<marker id="ah-warn" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5 0 10z" fill="#e08a16"/></marker></defs>'];
    var bottom = height - BOTTOM, from = firstAt(c0), to = firstAt(c1 + 1);
    var detailed = to - from <= DETAIL;
    view = { c0: Math.max(0, c0 + 2), c1: Math.min(D.columns, c1 - 2), detailed: detailed };
    // regions (partition labels laid out like event labels: cut where the next begins)
    var partitionLabels = [];
    D.regions.forEach(function (r) {
      if (x(r.c1) < xa || x(r.c0) > xb) return;
      var x0 = x(r.c0) - V.PAD, x1 = x(r.c1) - V.PAD;
      if (r.l < 0) {
        out.push('<rect class="region partition" x="' + x0 + '" y="' + (TOP - 6) + '" width="' + (x1 - x0) + '" height="' + (bottom - TOP + 6) + '"/>');
        partitionLabels.push([Math.max(x0 + 4, left + LEFT), 'partition ' + r.label.replace(/^partition /, ''), x1]);
      } else if (laneRow[r.l] >= 0) {
        out.push('<rect class="region ' + r.kind + '" x="' + x0 + '" y="' + (y(r.l) - LANE / 2 + 6) + '" width="' + (x1 - x0) + '" height="' + (LANE - 12) + '" rx="3"/>');
      }
    });
    G.labelLayout(partitionLabels, 600).forEach(function (p) { out.push('<text class="region-label" x="' + p[0] + '" y="' + (bottom + 11) + '">' + esc(p[1]) + '</text>'); });
    // lane lines
    D.lanes.forEach(function (l, k) {
      if (laneRow[k] < 0) return;
      out.push('<line class="lane-line ' + l.kind + '" x1="' + Math.max(xa, LEFT) + '" x2="' + Math.min(xb, x(D.columns)) + '" y1="' + y(k) + '" y2="' + y(k) + '" stroke="' + laneColour[k] + '" stroke-opacity=".45"/>');
    });
    // time axis: simulated ms (in event order, the time at that column)
    V.ticks(left + LEFT, Math.min(left + width - 40, x(D.columns))).forEach(function (tk) {
      out.push('<line x1="' + tk[0] + '" x2="' + tk[0] + '" y1="' + (TOP - 10) + '" y2="' + (TOP - 4) + '" stroke="#9aa3b5"/><text class="axis" x="' + (tk[0] + 2) + '" y="' + (TOP - 13) + '">' + ms(tk[1]) + ' ms</text>');
    });
    // arrows, when each event is drawn
    var hl = {};
    if (selected >= 0) (partner[selected] || []).forEach(function (a) { hl[a] = true; });
    if (detailed) D.arrows.forEach(function (a, n) {
      var s = D.events[a.from];
      if (laneRow[s.l] < 0 || laneRow[a.toLane] < 0) return;
      var xs = x(s.c), ys = y(s.l), xt, yt;
      if (a.to >= 0) { var t = D.events[a.to]; xt = x(t.c); yt = y(t.l); } else { xt = xs + 45; yt = ys + (y(a.toLane) - ys) * 0.45; }
      if (Math.max(xs, xt) < xa || Math.min(xs, xt) > xb) return;
      var cls = 'arrow ' + a.kind + (hl[n] ? ' hl' : '') + (lit && !(lit[s.i] && (a.to < 0 || lit[D.events[a.to].i])) ? ' faded' : '') + (Math.abs(xt - xs) > width * 0.6 ? ' long' : '');
      var marker = a.kind === 'msg' ? 'ah' : a.kind === 'dup' ? 'ah-warn' : '';
      if (hl[n]) marker = 'ah-hl';
      var dx = xt - xs, dy = yt - ys, len = Math.sqrt(dx * dx + dy * dy) || 1, cut = 6 / len;
      out.push('<line class="' + cls + '" x1="' + (xs + dx * cut) + '" y1="' + (ys + dy * cut) + '" x2="' + (xt - dx * cut) + '" y2="' + (yt - dy * cut) + '"' + (marker ? ' marker-end="url(#' + marker + ')"' : '') + '/>');
      if (a.to < 0) out.push('<path d="M' + (xt - 4) + ' ' + (yt - 4) + 'l8 8m0-8l-8 8" stroke="#d1333f" stroke-width="2.2"/>');
    });
    // run-wide marks; their labels share one row, laid out so that none overlaps
    var markLabels = [];
    D.marks.forEach(function (m) {
      var mx = x(m.c);
      if (mx < xa || mx > xb) return;
      out.push('<line class="mark ' + m.kind + '" x1="' + mx + '" x2="' + mx + '" y1="' + (TOP - 4) + '" y2="' + bottom + '"/>');
      if (m.kind === 'quiesce' || m.kind === 'heal') markLabels.push([mx + 4, m.kind, m.kind]);
    });
    G.labelLayout(markLabels, 80).forEach(function (p, n) { out.push('<text class="mark-label ' + markLabels[n][2] + '" x="' + p[0] + '" y="' + (bottom - 4) + '">' + esc(p[1]) + '</text>'); });
    // events: each one when few enough are in view, else a density line per lane and only the faults
    var perLane = {}, density = {};
    for (var k = from; k < to; k++) {
      var e = D.events[k];
      if (laneRow[e.l] < 0) continue;
      var ex = x(e.c), ey = y(e.l);
      if (!detailed && !IMPORTANT[e.k] && k !== selected) {
        var bucket = Math.round(ex / 3);
        (density[e.l] = density[e.l] || {})[bucket] = ((density[e.l] || {})[bucket] || 0) + 1;
        continue;
      }
      out.push('<g class="ev' + (lit && !lit[e.i] ? ' faded' : '') + '" data-ev="' + k + '" data-i="' + e.i + '"><title>' + esc('#' + e.i + ' at ' + ms(e.t) + ' ms: ' + e.s) + '</title><circle class="hit" cx="' + ex + '" cy="' + ey + '" r="9" fill="transparent"/>' +
        G.glyph(e.k, ex, ey, laneColour[e.l], e.b !== e.a && e.a >= 0) + '</g>');
      var label = G.labelOf(e);
      if (label) (perLane[e.l] = perLane[e.l] || []).push([ex + 3, label, k]);
      if (e.r.id !== undefined && blamed[e.r.id]) out.push('<circle class="blamed" cx="' + ex + '" cy="' + ey + '" r="9.5"/>');
      if (k === selected) out.push('<circle class="sel-ring" cx="' + ex + '" cy="' + ey + '" r="11"/>');
    }
    Object.keys(density).forEach(function (l) {
      var d = '', yl = y(Number(l));
      Object.keys(density[l]).forEach(function (b) { var h = Math.min(16, 3 + 3 * Math.log2(density[l][b])); d += 'M' + (b * 3) + ' ' + (yl - h / 2) + 'v' + h; });
      out.push('<path class="density" stroke="' + laneColour[l] + '" d="' + d + '"/>');
    });
    Object.keys(perLane).forEach(function (l) {
      var items = perLane[l];
      G.labelLayout(items, 220).forEach(function (p) {
        out.push('<text class="ev-label" x="' + p[0] + '" y="' + (y(Number(l)) - 10) + '">' + esc(p[1]) + '</text>');
      });
    });
    svg.innerHTML = out.join('');
    labels.style.left = left + 'px';
    placeViolation(left, width);
    overview.draw(view.c0, view.c1);
  }
  // The violation's text in full, in its own strip above the diagram, at the violation's line.
  function placeViolation(left, width) {
    var box = $('violation-label');
    if (!D.violation) return;
    if (!box.textContent) box.textContent = '✗ ' + D.violation.property + ': ' + D.violation.message;
    var vx = x(D.violation.column) - left, strip = $('violation-strip').clientWidth - 32;
    var w = box.offsetWidth, at = vx + 6 + w <= strip ? vx + 6 : vx - 6 - w;
    box.style.left = Math.max(0, Math.min(strip - w, at)) + 'px';
    box.style.opacity = vx < 0 || vx > width ? '.55' : '1';
  }
  function redraw() { if (!pending) { pending = true; requestAnimationFrame(draw); } }

  // ---- zoom, pan and the time axis ----
  /** Zoom to `scale` px per unit, keeping what is at viewport pixel `px` (default: the middle) where it is. */
  function setScale(scale, px) {
    var w = scroller.clientWidth;
    if (px === undefined) px = w / 2;
    var u = V.uAt(scroller.scrollLeft + px);
    V.scale = V.clamp(scale, w);
    sizer.style.width = V.width() + 'px';
    scroller.scrollLeft = LEFT + u * V.scale + V.PAD - px;
    draw();
  }
  function zoomBy(f, px) { setScale(V.scale * f, px); }
  function wholeRun() { setScale(0); scroller.scrollLeft = 0; draw(); }
  function centreOn(u) { scroller.scrollLeft = LEFT + u * V.scale + V.PAD - scroller.clientWidth / 2; draw(); }
  function setAxis(mode) {
    if (mode === V.mode) return;
    var w = scroller.clientWidth, c = V.columnAt(scroller.scrollLeft + w / 2), extent = V.extent();
    var whole = V.scale <= V.minScale(w) * 1.001;
    V.mode = mode;
    V.scale = V.clamp(whole ? 0 : V.scale * extent / Math.max(1e-9, V.extent()), w);
    sizer.style.width = V.width() + 'px';
    overview.rebuild();
    $('axis').textContent = 'axis: ' + (mode === 'order' ? 'event order' : 'simulated time');
    centreOn(V.uOfColumn(c));
  }
  var overview = window.faultlineOverview(D, V, $('overview'), { centre: centreOn, zoom: function (f) { zoomBy(f); } });
  $('zoom-in').onclick = function () { zoomBy(1.6); };
  $('zoom-out').onclick = function () { zoomBy(1 / 1.6); };
  $('zoom-fit').onclick = wholeRun;
  $('axis').onclick = function () { setAxis(V.mode === 'order' ? 'time' : 'order'); };
  scroller.addEventListener('wheel', function (ev) {
    if (!ev.ctrlKey && !ev.metaKey) return; // plain wheel scrolls
    ev.preventDefault();
    zoomBy(ev.deltaY < 0 ? 1.25 : 0.8, ev.clientX - scroller.getBoundingClientRect().left);
  }, { passive: false });
  var pan = null;
  scroller.addEventListener('mousedown', function (ev) {
    if (ev.button !== 0 || ev.target.closest('[data-ev]')) return;
    pan = { x: ev.clientX, y: ev.clientY, left: scroller.scrollLeft, top: scroller.scrollTop };
    scroller.classList.add('panning');
  });
  window.addEventListener('mousemove', function (ev) {
    if (!pan) return;
    scroller.scrollLeft = pan.left - (ev.clientX - pan.x);
    scroller.scrollTop = pan.top - (ev.clientY - pan.y);
  });
  window.addEventListener('mouseup', function () { pan = null; scroller.classList.remove('panning'); });
  scroller.addEventListener('scroll', redraw);
  window.addEventListener('resize', redraw);

  // ---- selection and details ----
  function pretty(v) { return JSON.stringify(v, null, 2); }
  var prettyState = {}; // state id -> its JSON, made once
  function stateText(id) { return prettyState[id] || (prettyState[id] = pretty(stateOf(id))); }
  // States are stored as changes from the same node's previous state (state-diff.ts); rebuilt on demand.
  var built = {};
  function stateOf(id) {
    if (id in built) return built[id];
    var s = D.states[id];
    return (built[id] = 'f' in s ? s.f : applyChange(stateOf(s.p), s.d));
  }
  function applyChange(a, c) {
    if ('v' in c) return c.v;
    var out, k;
    if ('n' in c) {
      out = a.slice(0, c.n);
      for (k in c.s) out[Number(k)] = applyChange(out[Number(k)], c.s[k]);
      return out;
    }
    out = {};
    for (k in a) if (!(c.x && c.x.indexOf(k) >= 0)) out[k] = a[k];
    for (k in c.o) out[k] = applyChange(a[k], c.o[k]);
    return out;
  }
  function stateHtml(id, other) {
    if (id < 0) return '<span class="none">(no state: the node is down or not started)</span>';
    var text = stateText(id);
    if (other < 0 || other === id) return esc(text);
    var seen = {};
    stateText(other).split('\n').forEach(function (l) { seen[l] = (seen[l] || 0) + 1; });
    return text.split('\n').map(function (l) {
      if (seen[l]) { seen[l]--; return esc(l); }
      return '<span class="chg">' + esc(l) + '</span>';
    }).join('\n');
  }

  function select(k, reveal) {
    if (k < 0 || k >= D.events.length) return;
    selected = k;
    var e = D.events[k], lane = D.lanes[e.l];
    $('slider').value = String(k);
    $('position').textContent = '#' + e.i + ' of ' + D.events[D.events.length - 1].i + ' · ' + ms(e.t) + ' ms';
    $('summary').innerHTML = '<span class="k">' + esc(lane.id) + '</span> · #' + e.i + ' at ' + ms(e.t) + ' ms · <code>' + esc(e.s) + '</code>' +
      (lane.kind === 'node' ? (e.b === e.a ? ' · state unchanged' : ' · <b>state changed</b>') : '');
    $('event-record').textContent = pretty(e.r);
    var msg = e.m !== undefined ? D.messages[e.m] : undefined;
    $('message-body').innerHTML = msg ? esc(msg.from + ' → ' + msg.to + ' #' + e.m + '\n' + pretty(msg.body)) : '<span class="none">(no message)</span>';
    if (lane.kind === 'node') {
      $('state-before').innerHTML = stateHtml(e.b, -1);
      $('state-after').innerHTML = stateHtml(e.a, e.b);
      // Show the first changed line of the state after the turn.
      var first = $('state-after').querySelector('.chg');
      $('state-after').scrollTop = first ? Math.max(0, first.offsetTop - $('state-after').offsetTop - 40) : 0;
      $('state-before').scrollTop = $('state-after').scrollTop;
    } else {
      $('state-before').innerHTML = $('state-after').innerHTML = '<span class="none">(a client: no node state)</span>';
    }
    if (reveal) {
      var ex = x(e.c), left = scroller.scrollLeft, width = scroller.clientWidth;
      if (ex < left + LEFT + 40 || ex > left + width - 40) scroller.scrollLeft = Math.max(0, ex - width / 2);
      var ey = y(e.l), top = scroller.scrollTop, h = scroller.clientHeight;
      if (ey < top + TOP || ey > top + h - 20) scroller.scrollTop = Math.max(0, ey - h / 2);
    }
    draw();
  }

  function step(dir) {
    for (var k = selected + dir; k >= 0 && k < D.events.length; k += dir) if (laneRow[D.events[k].l] >= 0) return select(k, true);
  }
  function gotoViolation() {
    if (!D.violation) return;
    var k = firstAt(D.violation.column) - 1;
    while (k > 0 && laneRow[D.events[k].l] < 0) k--;
    select(Math.max(0, k), true);
    scroller.scrollLeft = Math.max(0, x(D.violation.column) - scroller.clientWidth * 0.62);
    draw();
  }
  function otherEnd() {
    var arrows = partner[selected] || [];
    for (var n = 0; n < arrows.length; n++) {
      var a = D.arrows[arrows[n]], k = a.from === selected ? a.to : a.from;
      if (k >= 0) return select(k, true);
    }
  }

  svg.addEventListener('click', function (ev) {
    var g = ev.target.closest('[data-ev]');
    if (g) select(Number(g.getAttribute('data-ev')), false);
  });
  $('slider').max = String(Math.max(0, D.events.length - 1));
  $('slider').addEventListener('input', function () { select(Number($('slider').value), true); });
  $('prev').onclick = function () { step(-1); };
  $('next').onclick = function () { step(1); };
  document.addEventListener('keydown', function (ev) {
    if (ev.target && ev.target.tagName === 'INPUT' && ev.target.type === 'range' && /^Arrow|^Home$|^End$/.test(ev.key)) return; // the slider steps itself
    var handled = true;
    if (ev.key === 'ArrowRight' || ev.key === 'n') step(1);
    else if (ev.key === 'ArrowLeft' || ev.key === 'p') step(-1);
    else if (ev.key === 'Home') select(0, true);
    else if (ev.key === 'End') select(D.events.length - 1, true);
    else if (ev.key === 'v') gotoViolation();
    else if (ev.key === 'm') otherEnd();
    else if (ev.key === '+' || ev.key === '=') zoomBy(1.6);
    else if (ev.key === '-') zoomBy(1 / 1.6);
    else if (ev.key === '0') wholeRun();
    else if (ev.key === 't') setAxis(V.mode === 'order' ? 'time' : 'order');
    else handled = false;
    if (handled) ev.preventDefault();
  });

  window.faultlineDiagram = {
    data: D,
    select: function (k) { select(k, true); },
    selected: function () { return selected; },
    /** What is in view: the axis, px per unit, the first and last column, whether each event is drawn. */
    view: function () { return { mode: V.mode, scale: V.scale, c0: view.c0, c1: view.c1, detailed: view.detailed }; },
    zoom: zoomBy,
    wholeRun: wholeRun,
    setAxis: setAxis,
  };
  layout();
  if (D.violation) gotoViolation();
  // When the first drawing is on screen (ms since navigation began): the benchmark's load time.
  requestAnimationFrame(function () { window.faultlineDiagram.readyMs = performance.now(); });
});
