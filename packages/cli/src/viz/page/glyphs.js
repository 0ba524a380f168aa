// Glyphs and labels of the diagram's events (used by diagram.js): an event's mark by kind,
// its short label, and where labels go so that none overlaps another (labelLayout).
window.faultlineGlyphs = (function () {
  'use strict';
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
        return '<rect x="' + (cx - 4.5) + '" y="' + (cy - 4.5) + '" width="9" height="9" fill="' + (colour || '#7a8599') + '"/>';
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

  var measure = document.createElement('canvas').getContext('2d'), widths = {};
  measure.font = '10px system-ui, "DejaVu Sans", sans-serif';
  function textWidth(s) { return widths[s] || (widths[s] = measure.measureText(s).width); }

  /**
   * Labels on one lane, left to right ([x, text] pairs in x order), each kept within the room
   * up to the next one: whole when it fits, else cut with an ellipsis (the event's tooltip
   * has it whole), or left out when not even a few letters fit. Returns [x, text, cut].
   */
  function labelLayout(items, lastRoom) {
    var out = [];
    for (var k = 0; k < items.length; k++) {
      var x = items[k][0], text = items[k][1];
      var room = (k + 1 < items.length ? items[k + 1][0] : x + lastRoom) - x - 6;
      if (textWidth(text) <= room) { out.push([x, text, false]); continue; }
      var n = text.length;
      while (n > 0 && textWidth(text.slice(0, n) + '…') > room) n--;
      if (n >= 3) out.push([x, text.slice(0, n) + '…', true]);
    }
    return out;
  }
  return { glyph: glyph, labelOf: labelOf, labelLayout: labelLayout, textWidth: textWidth };
})();
