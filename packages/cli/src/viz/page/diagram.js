// The space-time diagram page of `faultline replay --html`. Plain browser JavaScript, no
// dependencies: the model comes from the JSON in #faultline-data (see diagram-model.ts).
// Lanes run left to right, one per node and per client; an event's column is its place in
// the trace, so every arrow points forward in time. Only the columns in view are drawn, so
// a trace of thousands of events scrolls smoothly.
window.faultlineData('faultline-data').then(function (D) {
  'use strict';
  var COL = 18, LANE = 44, TOP = 34, LEFT = 104, BOTTOM = 18;
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

  function x(c) { return LEFT + c * COL + COL / 2; }
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
    sizer.style.width = (LEFT + D.columns * COL + 460) + 'px';
    sizer.style.height = (TOP + row * LANE + BOTTOM) + 'px';
    labels.innerHTML = D.lanes.map(function (l, k) {
      return shown[k] ? '<div class="' + l.kind + '" style="top:' + y(k) + 'px;color:' + (l.kind === 'node' ? laneColour[k] : '') + '">' + esc(l.id) + '</div>' : '';
    }).join('');
    labels.style.height = sizer.style.height;
    // The diagram takes the height its lanes need (and a scroll bar), up to 62% of the window.
    $('diagram').style.height = 'min(62vh, ' + (TOP + row * LANE + BOTTOM + 16) + 'px)';
    draw();
  }

  function glyph(kind, cx, cy, colour, changed) {
    var ring = changed ? '<circle cx="' + cx + '" cy="' + cy + '" r="7.5" fill="none" stroke="#1d2330" stroke-width="1.6"/>' : '';
    switch (kind) {
      case 'send': case 'attempt': case 'reply': case 'redirect':
        return ring + '<circle cx="' + cx + '" cy="' + cy + '" r="4.5" fill="' + colour + '"/>';
      case 'deliver': case 'request': case 'stale-reply':
        return ring + '<circle cx="' + cx + '" cy="' + cy + '" r="4.5" fill="#fff" stroke="' + colour + '" stroke-width="2"/>';
      case 'complete':
        return '<rect x="' + (cx - 4.5) + '" y="' + (cy - 4.5) + '" width="9" height="9" fill="#fff" stroke="#1f9d55" stroke-width="2.2"/>';
      case 'invoke':
        return '<rect x="' + (cx - 4.5) + '" y="' + (cy - 4.5) + '" width="9" height="9" fill="' + (colour || CLIENT_COLOUR) + '"/>';
      case 'timer':
        return ring + '<path d="M' + cx + ' ' + (cy - 5.5) + 'l5.5 5.5-5.5 5.5-5.5-5.5z" fill="' + colour + '" opacity=".75"/>';
      case 'crash':
        return '<path d="M' + (cx - 6) + ' ' + (cy - 6) + 'l12 12m0-12l-12 12" stroke="#d1333f" stroke-width="3.2" stroke-linecap="round"/>';
      case 'start': case 'restart':
        return ring + '<path d="M' + (cx - 4) + ' ' + (cy - 6) + 'l9 6-9 6z" fill="#1f9d55"/>';
      case 'pause': case 'resume':
        return '<path d="M' + (cx - 3) + ' ' + (cy - 5) + 'v10m6-10v10" stroke="#e08a16" stroke-width="2.6"/>';
      case 'drop':
        return '<path d="M' + (cx - 4) + ' ' + (cy - 4) + 'l8 8m0-8l-8 8" stroke="#d1333f" stroke-width="2.2"/>';
      case 'dup':
        return '<circle cx="' + cx + '" cy="' + cy + '" r="5.5" fill="#e08a16"/><text x="' + cx + '" y="' + (cy + 3.5) + '" font-size="8" text-anchor="middle" fill="#fff" font-weight="700">2</text>';
      case 'timeout': case 'give-up':
        return '<rect x="' + (cx - 4.5) + '" y="' + (cy - 4.5) + '" width="9" height="9" fill="' + (kind === 'give-up' ? '#d1333f' : '#e08a16') + '"/>';
      case 'skew':
        return '<text x="' + cx + '" y="' + (cy + 4) + '" font-size="12" text-anchor="middle" fill="#e08a16">~</text>';
      default:
        return ring + '<circle cx="' + cx + '" cy="' + cy + '" r="2.6" fill="#9aa3b5"/>';
    }
  }

  var LABELLED = { crash: 'crash', restart: 'restart', pause: 'pause', resume: 'resume', invoke: null, complete: null, 'give-up': 'give up', timer: null };
  function labelOf(e) {
    if (e.k === 'start') return e.r.incarnation > 1 ? 'restart' : 'start';
    if (e.k === 'invoke') return e.r.id + ' ' + JSON.stringify(e.r.req).slice(0, 28);
    if (e.k === 'complete') return '= ' + JSON.stringify(e.r.result).slice(0, 24);
    if (e.k === 'timer') return e.r.tag;
    return LABELLED[e.k];
  }

  function firstAt(c) { // first event with column >= c
    var lo = 0, hi = D.events.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (D.events[mid].c < c) lo = mid + 1; else hi = mid; }
    return lo;
  }

  var pending = false;
  function draw() {
    pending = false;
    var left = scroller.scrollLeft, width = scroller.clientWidth, height = sizer.offsetHeight;
    var c0 = Math.floor((left - LEFT) / COL) - 2, c1 = Math.ceil((left + width - LEFT) / COL) + 2;
    var xa = left - 20, xb = left + width + 20;
    svg.style.left = left + 'px';
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', left + ' 0 ' + width + ' ' + height);
    var out = ['<defs><pattern id="hatch" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="7" height="7" fill="rgba(120,128,145,.10)"/><line x1="0" y1="0" x2="0" y2="7" stroke="rgba(120,128,145,.35)" stroke-width="2"/></pattern>',
      '<marker id="ah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5 0 10z" fill="#5b6b8c"/></marker>',
      '<marker id="ah-hl" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5 0 10z" fill="#2f6fec"/></marker>',
      '<marker id="ah-warn" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5 0 10z" fill="#e08a16"/></marker></defs>'];
    var bottom = height - BOTTOM;
    // regions
    D.regions.forEach(function (r) {
      if (x(r.c1) < xa || x(r.c0) > xb) return;
      var x0 = x(r.c0) - COL / 2, x1 = x(r.c1) - COL / 2;
      if (r.l < 0) {
        out.push('<rect class="region partition" x="' + x0 + '" y="' + (TOP - 6) + '" width="' + (x1 - x0) + '" height="' + (bottom - TOP + 6) + '"/>');
        out.push('<text class="region-label" x="' + Math.max(x0 + 4, left + LEFT) + '" y="' + (bottom + 11) + '">partition ' + esc(r.label.replace(/^partition /, '')) + '</text>');
      } else if (laneRow[r.l] >= 0) {
        out.push('<rect class="region ' + r.kind + '" x="' + x0 + '" y="' + (y(r.l) - LANE / 2 + 6) + '" width="' + (x1 - x0) + '" height="' + (LANE - 12) + '" rx="3"/>');
      }
    });
    // lane lines
    D.lanes.forEach(function (l, k) {
      if (laneRow[k] < 0) return;
      out.push('<line class="lane-line ' + l.kind + '" x1="' + Math.max(xa, LEFT) + '" x2="' + Math.min(xb, x(D.columns)) + '" y1="' + y(k) + '" y2="' + y(k) + '" stroke="' + laneColour[k] + '" stroke-opacity=".45"/>');
    });
    // time axis: simulated ms, labelled where time moves on and there is room
    var from = firstAt(c0), to = firstAt(c1 + 1), lastLabel = -1e9, lastT = -1;
    for (var k = from; k < to; k++) {
      var e = D.events[k];
      if (e.t !== lastT && x(e.c) - lastLabel > 74 && x(e.c) > left + LEFT - 8) {
        out.push('<line x1="' + x(e.c) + '" x2="' + x(e.c) + '" y1="' + (TOP - 10) + '" y2="' + (TOP - 4) + '" stroke="#9aa3b5"/><text class="axis" x="' + (x(e.c) + 2) + '" y="' + (TOP - 13) + '">' + ms(e.t) + ' ms</text>');
        lastLabel = x(e.c);
      }
      lastT = e.t;
    }
    // arrows
    var hl = {};
    if (selected >= 0) (partner[selected] || []).forEach(function (a) { hl[a] = true; });
    D.arrows.forEach(function (a, n) {
      var s = D.events[a.from];
      if (laneRow[s.l] < 0 || laneRow[a.toLane] < 0) return;
      var xs = x(s.c), ys = y(s.l), xt, yt;
      if (a.to >= 0) { var t = D.events[a.to]; xt = x(t.c); yt = y(t.l); } else { xt = xs + COL * 2.5; yt = ys + (y(a.toLane) - ys) * 0.45; }
      if (Math.max(xs, xt) < xa || Math.min(xs, xt) > xb) return;
      var cls = 'arrow ' + a.kind + (hl[n] ? ' hl' : '') + (lit && !(lit[s.i] && (a.to < 0 || lit[D.events[a.to].i])) ? ' faded' : '') + (Math.abs(xt - xs) > width * 0.6 ? ' long' : '');
      var marker = a.kind === 'msg' ? 'ah' : a.kind === 'dup' ? 'ah-warn' : '';
      if (hl[n]) marker = 'ah-hl';
      var dx = xt - xs, dy = yt - ys, len = Math.sqrt(dx * dx + dy * dy) || 1, cut = 6 / len;
      out.push('<line class="' + cls + '" x1="' + (xs + dx * cut) + '" y1="' + (ys + dy * cut) + '" x2="' + (xt - dx * cut) + '" y2="' + (yt - dy * cut) + '"' + (marker ? ' marker-end="url(#' + marker + ')"' : '') + '/>');
      if (a.to < 0) out.push('<path d="M' + (xt - 4) + ' ' + (yt - 4) + 'l8 8m0-8l-8 8" stroke="#d1333f" stroke-width="2.2"/>');
    });
    // run-wide marks
    D.marks.forEach(function (m) {
      var mx = x(m.c);
      if (mx < xa || mx > xb) return;
      out.push('<line class="mark ' + m.kind + '" x1="' + mx + '" x2="' + mx + '" y1="' + (TOP - 4) + '" y2="' + bottom + '"/>');
      if (m.kind === 'violation') {
        var text = '✗ ' + m.s.replace(/^VIOLATION /, '').slice(0, 110), before = mx + 5 + text.length * 6.6 > left + width - 10;
        out.push('<text class="mark-label halo" x="' + (before ? mx - 6 : mx + 5) + '" text-anchor="' + (before ? 'end' : 'start') + '" y="' + (TOP + 6) + '" fill="#d1333f">' + esc(text) + '</text>');
      }
      else if (m.kind === 'quiesce') out.push('<text class="mark-label" x="' + (mx + 4) + '" y="' + (TOP + 8) + '" fill="#1f9d55">quiesce</text>');
      else if (m.kind === 'heal') out.push('<text class="mark-label" x="' + (mx + 4) + '" y="' + (TOP + 8) + '" fill="#d1333f" opacity=".7">heal</text>');
    });
    // events
    for (k = from; k < to; k++) {
      e = D.events[k];
      if (laneRow[e.l] < 0) continue;
      var ex = x(e.c), ey = y(e.l), label = labelOf(e);
      out.push('<g class="ev' + (lit && !lit[e.i] ? ' faded' : '') + '" data-ev="' + k + '"><title>' + esc('#' + e.i + ' at ' + ms(e.t) + ' ms: ' + e.s) + '</title><circle class="hit" cx="' + ex + '" cy="' + ey + '" r="9" fill="transparent"/>' +
        glyph(e.k, ex, ey, laneColour[e.l], e.b !== e.a && e.a >= 0) +
        (label ? '<text class="ev-label" x="' + (ex + 3) + '" y="' + (ey - 11) + '" transform="rotate(-28 ' + (ex + 3) + ' ' + (ey - 11) + ')">' + esc(label) + '</text>' : '') + '</g>');
      if (e.r.id !== undefined && blamed[e.r.id]) out.push('<circle class="blamed" cx="' + ex + '" cy="' + ey + '" r="9.5"/>');
      if (k === selected) out.push('<circle class="sel-ring" cx="' + ex + '" cy="' + ey + '" r="11"/>');
    }
    svg.innerHTML = out.join('');
    labels.style.left = left + 'px';
  }
  function redraw() { if (!pending) { pending = true; requestAnimationFrame(draw); } }
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
    else handled = false;
    if (handled) ev.preventDefault();
  });

  window.faultlineDiagram = { data: D, select: function (k) { select(k, true); }, selected: function () { return selected; } };
  layout();
  if (D.violation) gotoViolation();
  // When the first drawing is on screen (ms since navigation began): the benchmark's load time.
  requestAnimationFrame(function () { window.faultlineDiagram.readyMs = performance.now(); });
});
