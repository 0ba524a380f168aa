// A page's data (html-page.ts, packData): base64 of gzipped JSON of the packed model
// (page-pack.ts), gunzipped by the browser's own DecompressionStream and expanded back into
// the diagram model. `faultlineData(id)` resolves to the model in the script element with
// that id; every part of the page waits for it. `faultlineExpand` is also what the tests
// run (in Node) to read a page back, so there is one decoder. An event's `r` and `s` are
// made on first read (`x` is its index); `faultlineEvent(e)` gives the plain event.
window.faultlineExpand = function (P) {
  'use strict';
  var TEXT_BODY = '\u0000', TEXT_INNER = '\u0001', SHARED = '\u0002', ARROW_KINDS = ['msg', 'dup', 'dropped', 'dropped-down'];
  var D = {}, key;
  for (key in P.head) D[key] = P.head[key];
  var E = P.ev, n = E.l.length, events = new Array(n), messages = {};
  var c = 0, i = 0, ti = 0, k, id = 0, send = 0, raw = {}, bodyJson = {}, innerJson = {};
  for (k = 0; k < E.raw.length; k++) raw[E.raw[k]] = true;
  // Parts of message bodies stored once (page-pack.ts, shareParts); a part refers only to earlier ones.
  var shared = [];
  function unshare(v) {
    if (v === null || typeof v !== 'object') return v;
    if (SHARED in v) return shared[v[SHARED]];
    if (Array.isArray(v)) return v.map(unshare);
    var out = {};
    for (var f in v) out[f] = unshare(v[f]);
    return out;
  }
  if (P.msg.shared) for (k = 0; k < P.msg.shared.length; k++) shared.push(unshare(P.msg.shared[k]));
  for (k = 0; k < P.msg.id.length; k++) {
    id += P.msg.id[k];
    send += P.msg.send[k];
    messages[id] = { from: null, to: P.msg.to[k], body: P.msg.shared ? unshare(P.msg.body[k]) : P.msg.body[k], send: send };
  }
  // An event's record and text are made when something reads them (a drawn column, the
  // selected event), not for all of a long run's events before the first drawing.
  function record(k) {
    var rest = E.r[k], r = { i: this.i, t: this.t, k: rest.k === undefined ? this.k : rest.k }, key;
    for (key in rest) if (key !== 'k') r[key] = rest[key];
    var msg = this.m !== undefined ? messages[this.m] : undefined;
    if (msg !== undefined && !raw[k] && r.k === 'send' && !('msg' in r) && msg.send === k) r.msg = msg.body;
    return r;
  }
  function text(k) {
    var s = E.s[k], m = this.m, msg = m !== undefined ? messages[m] : undefined;
    if (msg === undefined || raw[k]) return s;
    // A message's JSON is made once, for its send and its deliveries alike.
    if (s.indexOf(TEXT_BODY) >= 0) return s.replace(TEXT_BODY, function () { return bodyJson[m] || (bodyJson[m] = JSON.stringify(msg.body)); });
    if (s.indexOf(TEXT_INNER) >= 0) return s.replace(TEXT_INNER, function () { return innerJson[m] || (innerJson[m] = JSON.stringify(msg.body.msg)); });
    return s;
  }
  function Ev(k, c, l, kind, t, i, b, a) { this.c = c; this.l = l; this.k = kind; this.t = t; this.i = i; this.b = b; this.a = a; this.x = k; }
  Object.defineProperty(Ev.prototype, 'r', { get: function () { var r = record.call(this, this.x); Object.defineProperty(this, 'r', { value: r, enumerable: true }); return r; } });
  Object.defineProperty(Ev.prototype, 's', { get: function () { var s = text.call(this, this.x); Object.defineProperty(this, 's', { value: s, enumerable: true }); return s; } });
  for (k = 0; k < n; k++) {
    c += E.c[k]; i += E.i[k]; ti += E.t[k];
    var m = E.m[k];
    events[k] = new Ev(k, c, E.l[k], P.kinds[E.k[k]], P.times[ti], i, E.b[k], E.a[k]);
    if (m >= 0) events[k].m = m;
  }
  for (id in messages) messages[id].from = D.lanes[events[messages[id].send].l].id;
  var A = P.arrows, arrows = new Array(A.from.length);
  for (k = 0; k < arrows.length; k++) arrows[k] = { from: A.from[k], to: A.to[k], toLane: A.toLane[k], kind: ARROW_KINDS[A.kind[k]], m: events[A.from[k]].m };
  D.events = events;
  D.arrows = arrows;
  D.messages = messages;
  return D;
};

/** An event of `faultlineExpand` as a plain object, its record and text made. */
window.faultlineEvent = function (e) {
  'use strict';
  var out = { c: e.c, l: e.l, k: e.k, t: e.t, i: e.i, s: e.s, r: e.r, b: e.b, a: e.a };
  if (e.m !== undefined) out.m = e.m;
  return out;
};

window.faultlineData = function (id) {
  'use strict';
  var text = document.getElementById(id).textContent.trim();
  var binary = atob(text), bytes = new Uint8Array(binary.length);
  for (var k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  // Written whole into the stream and read back chunk by chunk: measured 3 to 5 times
  // faster than piping a Blob's stream into Response.text() (1.2 to 2.3 s for a 60 s raft
  // run's 15 MB of JSON on a loaded machine, against 0.35 to 0.5 s).
  var gunzip = new DecompressionStream('gzip'), writer = gunzip.writable.getWriter(), reader = gunzip.readable.getReader();
  writer.write(bytes);
  writer.close();
  var decoder = new TextDecoder(), parts = [];
  function next(chunk) {
    if (chunk.done) return window.faultlineExpand(JSON.parse(parts.join('') + decoder.decode()));
    parts.push(decoder.decode(chunk.value, { stream: true }));
    return reader.read().then(next);
  }
  return reader.read().then(next);
};
