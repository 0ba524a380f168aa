// A page's data (html-page.ts, packData): base64 of gzipped JSON of the packed model
// (page-pack.ts), gunzipped by the browser's own DecompressionStream and expanded back into
// the diagram model. `faultlineData(id)` resolves to the model in the script element with
// that id; every part of the page waits for it. `faultlineExpand` is also what the tests
// run (in Node) to read a page back, so there is one decoder.
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
  for (k = 0; k < n; k++) {
    c += E.c[k]; i += E.i[k]; ti += E.t[k];
    var kind = P.kinds[E.k[k]], t = P.times[ti], m = E.m[k], rest = E.r[k];
    var r = { i: i, t: t, k: rest.k === undefined ? kind : rest.k };
    for (key in rest) if (key !== 'k') r[key] = rest[key];
    var msg = m >= 0 ? messages[m] : undefined, s = E.s[k];
    if (msg !== undefined && !raw[k]) {
      if (r.k === 'send' && !('msg' in r) && msg.send === k) r.msg = msg.body;
      // A message's JSON is made once, for its send and its deliveries alike.
      if (s.indexOf(TEXT_BODY) >= 0) s = s.replace(TEXT_BODY, function () { return bodyJson[m] || (bodyJson[m] = JSON.stringify(msg.body)); });
      else if (s.indexOf(TEXT_INNER) >= 0) s = s.replace(TEXT_INNER, function () { return innerJson[m] || (innerJson[m] = JSON.stringify(msg.body.msg)); });
    }
    events[k] = { c: c, l: E.l[k], k: kind, t: t, i: i, s: s, r: r, b: E.b[k], a: E.a[k] };
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

window.faultlineData = function (id) {
  'use strict';
  var text = document.getElementById(id).textContent.trim();
  var binary = atob(text), bytes = new Uint8Array(binary.length);
  for (var k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text().then(function (json) { return window.faultlineExpand(JSON.parse(json)); });
};
