// cinder's routing description, interpreted for edge functions: the steps of
// `Routing::resolve` (src/routing) over the tables `tables.rs` renders. ES5.1
// and nothing the CloudFront Functions runtime (cloudfront-js-2.0) lacks; no
// I/O: `h(key)` says whether the tree holds a file (the index). cinder keeps
// full-line comments and indentation out of the code it ships, so comments
// stand on lines of their own.
//
// T, the tables:
//   os: [pattern]                 osVersion conditions (whole raw values)
//   caps: [[pattern, when]]       systemCapabilities conditions
//   pc: {product: [[os condition...], [caps condition...],
//                  [[os condition, class key]...] (first by priority), zero class key]}
//   fl: [[kind, suffix, pattern, [product...], channel, build target prefix]]
//       kinds 0 force, 1 pin, 2 mig64: the pattern over the raw query
//       string; 3 ppc: the pattern found in the User-Agent
//   rt: [[url, fixed, dir, stem, ext, builds, os, kinds, markers, miss, type]]
//       url: a literal segment, or [parameter]; fixed: {parameter: value}
//       dir: literal text, [0, parameter] its value, [1, parameter] the
//            client's version or buildID (`_` in the catch-all), 2 the
//            osVersion class key, 3 the systemCapabilities class key
//       builds: 0 the client's, 1 the catch-all; os: 0 own, 1 first, 2 zero
//       markers: a `.404` may stand for the plain file; miss: 1 for 404
//   rd: the parameters read: product, channel, build target, osVersion,
//       systemCapabilities
//   ct: Content-Types, the empty document's first; e: the empty document
//   w: [[rate, suffix]] when throttled rules are split by percentage
//   cc: Cache-Control

// A path decoded once, as cinder decodes it: each run of escapes is UTF-8,
// invalid bytes each maximal bad sequence as U+FFFD (Rust's lossy decoding).
function dec(s) {
  return s.indexOf('%') < 0 ? s : s.replace(/(%[0-9A-Fa-f]{2})+/g, function (m) {
    try {
      return decodeURIComponent(m);
    } catch (e) {
      return lossy(m.slice(1).split('%').map(function (x) { return parseInt(x, 16); }));
    }
  });
}

function lossy(b) {
  var o = '', i = 0, x, n, c, lo, hi;
  while (i < b.length) {
    x = b[i++];
    n = x < 128 ? 0 : x > 193 && x < 224 ? 1 : x > 223 && x < 240 ? 2 : x > 239 && x < 245 ? 3 : -1;
    if (n < 0) {
      o += '\ufffd';
      continue;
    }
    c = n ? x & 63 >> n : x;
    lo = x == 224 ? 160 : x == 240 ? 144 : 128;
    hi = x == 237 ? 159 : x == 244 ? 143 : 191;
    while (n && i < b.length && b[i] >= lo && b[i] <= hi) {
      c = c << 6 | b[i++] & 63;
      lo = 128;
      hi = 191;
      n--;
    }
    o += n ? '\ufffd' : c < 65536 ? String.fromCharCode(c) : String.fromCharCode(55232 + (c >> 10), 56320 + (c & 1023));
  }
  return o;
}

var RE = {};
function re(p) {
  return RE[p] || (RE[p] = new RegExp(p));
}

function own(o, k) {
  return Object.prototype.hasOwnProperty.call(o, k);
}

// Whether a value can name a directory of the tree.
function safe(v) {
  return v != '' && v != '.' && v != '..' && v != '_' && !/[\/\u0000]/.test(v);
}

// What answers a request: {k: tree key, t: Content-Type}, or {t} alone for
// 404 with an empty body. `roll`: 0 to 99, for the percentage split.
function route(T, h, path, query, ua, roll) {
  var p = dec(path), parts = p.slice(1).split('/'), r, u, v, n, i, j;
  for (n = 0; n < T.rt.length && !v; n++) {
    r = T.rt[n];
    u = r[0];
    v = p.charAt(0) == '/' && parts.length == u.length ? {} : null;
    for (i = 0; v && i < u.length; i++) {
      if (parts[i] == '' || (typeof u[i] == 'string' ? u[i] != parts[i] : (v[u[i][0]] = parts[i], 0))) v = null;
    }
  }
  if (!v) return { k: T.e, t: 0 };
  function get(q) {
    return own(v, q) ? v[q] : own(r[1], q) ? r[1][q] : '';
  }
  var rd = T.rd, product = get(rd[0]), pc = own(T.pc, product) ? T.pc[product] : 0, os = [], caps = '', raw, f, k;
  if (own(v, rd[3])) {
    raw = v[rd[3]];
    k = ['o', 'o', 'o'];
    if (pc) {
      k[0] = 'o' + pc[0].map(function (c) { return re(T.os[c]).test(raw) ? 1 : 0; }).join('');
      k[1] = k[2] = pc[3];
      for (i = 0; i < pc[2].length; i++) {
        if (re(T.os[pc[2][i][0]]).test(raw)) {
          k[1] = pc[2][i][1];
          break;
        }
      }
    }
    os = r[6].map(function (c) { return k[c]; });
  }
  if (own(v, rd[4])) {
    raw = v[rd[4]];
    caps = 'c' + (pc ? pc[1].map(function (c) { return re(T.caps[c][0]).test(raw) == T.caps[c][1] ? 1 : 0; }).join('') : '');
  }
  // The variant: per kind the route reads, the first outcome that applies
  // to the request and that the query string (or User-Agent) selects.
  var sfx = '', forced = 0, base = get(rd[1]).split('-cck-')[0], bt = get(rd[2]);
  for (i = 0; i < r[7].length; i++) {
    for (j = 0; j < T.fl.length; j++) {
      f = T.fl[j];
      if (f[0] == r[7][i] && f[3].indexOf(product) >= 0 && (f[4] == '' || f[4] == base) && bt.indexOf(f[5]) == 0 &&
          (f[0] == 3 ? ua != null && re(f[2]).test(ua) : re(f[2]).test(query))) {
        sfx += f[1];
        forced = forced || f[0] == 0;
        break;
      }
    }
  }
  var tries = [];
  for (i = 0; i < T.w.length; i++) {
    if (!forced && roll < T.w[i][0]) tries.push(sfx + T.w[i][1]);
  }
  if (sfx) tries.push(sfx);
  // The directories, in order: whose build, then which osVersion class.
  var b, o, d, part, text, ok, plain, marker, key;
  for (b = 0; b < r[5].length; b++) {
    for (o = 0; o < (os.length || 1); o++) {
      d = '';
      ok = 1;
      for (i = 0; i < r[2].length; i++) {
        part = r[2][i];
        text = typeof part == 'string' ? part : part == 2 ? os[o] : part == 3 ? caps : part[0] && r[5][b] ? 0 : get(part[1]);
        if (text === 0) text = '_';
        else if (typeof part != 'string') ok = ok && safe(text);
        d += text + '/';
      }
      plain = d + r[3] + r[4];
      marker = 0;
      if (!ok || !h(plain) && !(marker = r[8] && h(plain + '.404'))) continue;
      for (i = 0; i < tries.length; i++) {
        key = d + r[3] + tries[i] + r[4];
        if (h(key)) return { k: key, t: r[10] };
      }
      return marker ? { t: r[10] } : { k: plain, t: r[10] };
    }
  }
  return r[9] ? { t: r[10] } : { k: T.e, t: 0 };
}

// A tree key as a URI path, percent-encoded so that a bucket decodes it
// back once.
function uri(k) {
  return '/' + k.split('/').map(encodeURIComponent).join('/');
}
