// cinder's routing description, interpreted (src/routing: the same steps as
// `Routing::locate` and `Located::find`), for edge functions. ES5.1 plus
// nothing the CloudFront Functions runtime (cloudfront-js-2.0) lacks; no
// I/O: `has` answers whether the tree holds a file (the index).
//
// T, the tables (JSON, rendered by src/server/edge/tables.rs):
//   os: [pattern]                 osVersion conditions (whole-value patterns)
//   caps: [[pattern, when]]       systemCapabilities conditions
//   pc: {product: [os indexes, caps indexes, [[os index, key]...] (top), zero key]}
//   fl: [[kind, suffix, pattern, [products], channel|"", build target prefix|""]]
//       kind 0 force, 1 pin, 2 mig64 (query patterns over the raw query
//       string), 3 ppc (a pattern found in the User-Agent)
//   rt: [[url, fixed, dir, stem, ext, builds, os, kinds, markers, miss, type]]
//       url: literal segments (strings), or [NAME] for a parameter's value
//       fixed: {NAME: value} for parameters the URL does not carry
//       dir: literal text (string), or [0, NAME] a value, [1, NAME] the
//            client's version or buildID (`_` for the catch-all),
//            2 the osVersion class key, 3 the systemCapabilities class key
//       builds: 0 the client's, 1 the catch-all; os: 0 own, 1 top, 2 zero
//       markers: a directory may hold `.404` in place of the plain file
//       miss: 0 the empty document (200), 1 404 with an empty body
//       type: an index into ct
//   ct: [Content-Type], the first that of the empty document

// Percent-decodes once, as Balrog (and cinder) read a URL's path: `%XX`
// becomes the byte; the bytes are read as UTF-8, invalid sequences as U+FFFD.
function decode(s) {
  if (s.indexOf('%') < 0) return s;
  var b = [], i, c, h;
  for (i = 0; i < s.length; i++) {
    c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length && /^[0-9A-Fa-f]{2}$/.test(s.substr(i + 1, 2))) {
      b.push(parseInt(s.substr(i + 1, 2), 16));
      i += 2;
    } else if (c < 0x80) {
      b.push(c);
    } else {
      // The character's own UTF-8 bytes.
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        h = s.charCodeAt(i + 1);
        if (h >= 0xdc00 && h < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (h - 0xdc00);
          i++;
        }
      }
      if (c < 0x800) b.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) b.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else b.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return utf8(b);
}

// UTF-8 bytes to text, each maximal invalid subsequence as one U+FFFD (the
// WHATWG decoder; Rust's from_utf8_lossy does the same).
function utf8(b) {
  var out = '', i = 0, cp, need, lo, hi, x;
  while (i < b.length) {
    x = b[i++];
    if (x < 0x80) { out += String.fromCharCode(x); continue; }
    lo = 0x80; hi = 0xbf;
    if (x >= 0xc2 && x <= 0xdf) { need = 1; cp = x & 31; }
    else if (x >= 0xe0 && x <= 0xef) {
      need = 2; cp = x & 15;
      if (x === 0xe0) lo = 0xa0;
      if (x === 0xed) hi = 0x9f;
    } else if (x >= 0xf0 && x <= 0xf4) {
      need = 3; cp = x & 7;
      if (x === 0xf0) lo = 0x90;
      if (x === 0xf4) hi = 0x8f;
    } else { out += '\ufffd'; continue; }
    while (need > 0) {
      if (i >= b.length || b[i] < lo || b[i] > hi) break;
      cp = (cp << 6) | (b[i++] & 63);
      lo = 0x80; hi = 0xbf;
      need--;
    }
    if (need > 0) { out += '\ufffd'; continue; }
    if (cp < 0x10000) out += String.fromCharCode(cp);
    else out += String.fromCharCode(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 1023));
  }
  return out;
}

var RE = {};
function re(src) {
  return RE[src] || (RE[src] = new RegExp(src));
}

// The parameter values of a decoded path on a route, or null.
function match(url, path) {
  if (path.charAt(0) !== '/') return null;
  var parts = path.slice(1).split('/'), v = {}, i, u;
  if (parts.length !== url.length) return null;
  for (i = 0; i < parts.length; i++) {
    u = url[i];
    if (parts[i] === '') return null;
    if (typeof u !== 'string') v[u[0]] = parts[i];
    else if (u !== parts[i]) return null;
  }
  return v;
}

function bits(indexes, test) {
  var k = '', i;
  for (i = 0; i < indexes.length; i++) k += test(indexes[i]) ? '1' : '0';
  return k;
}

// Whether a value can be a directory name in the tree.
function safe(v) {
  return v !== '' && v !== '.' && v !== '..' && v !== '_' && v.indexOf('/') < 0 && v.indexOf('\u0000') < 0;
}

// What answers a request: {k: tree key, t: Content-Type}, or {s: status,
// t: Content-Type} for the empty document (200) or an empty body (404).
function route(T, has, rawPath, rawQuery, ua) {
  var path = decode(rawPath), r, v, n, i, j;
  for (n = 0; n < T.rt.length; n++) {
    r = T.rt[n];
    v = match(r[0], path);
    if (v) break;
  }
  if (!v) return { s: 200, t: T.ct[0] };
  var get = function (p) {
    return v.hasOwnProperty(p) ? v[p] : r[1].hasOwnProperty(p) ? r[1][p] : '';
  };
  var product = get('PRODUCT'), pc = T.pc.hasOwnProperty(product) ? T.pc[product] : null;
  var os = [], caps = null, raw;
  if (v.hasOwnProperty('OS_VERSION')) {
    raw = v.OS_VERSION;
    var own = 'o', top = 'o', zero = 'o';
    if (pc) {
      own = 'o' + bits(pc[0], function (c) { return re(T.os[c]).test(raw); });
      zero = pc[3];
      top = zero;
      for (i = 0; i < pc[2].length; i++) {
        if (re(T.os[pc[2][i][0]]).test(raw)) { top = pc[2][i][1]; break; }
      }
    }
    for (i = 0; i < r[6].length; i++) os.push([own, top, zero][r[6][i]]);
  }
  if (v.hasOwnProperty('SYSTEM_CAPABILITIES')) {
    raw = v.SYSTEM_CAPABILITIES;
    caps = pc ? 'c' + bits(pc[1], function (c) { return re(T.caps[c][0]).test(raw) === (T.caps[c][1] === 1); }) : 'c';
  }
  // The variant: per kind the route reads, the first outcome that applies
  // to the request and that its query string (or User-Agent) selects.
  var suffix = '', channel = get('CHANNEL'), base = channel.split('-cck-')[0], bt = get('BUILD_TARGET'), f;
  for (i = 0; i < r[7].length; i++) {
    for (j = 0; j < T.fl.length; j++) {
      f = T.fl[j];
      if (f[0] !== r[7][i] || f[3].indexOf(product) < 0) continue;
      if (f[4] !== '' && base !== f[4]) continue;
      if (f[5] !== '' && bt.indexOf(f[5]) !== 0) continue;
      if (f[0] === 3 ? ua !== null && re(f[2]).test(ua) : re(f[2]).test(rawQuery)) {
        suffix += f[1];
        break;
      }
    }
  }
  // The directories, in order: whose build, then which osVersion class.
  var builds = r[5], b, o, dir, part, text, ok, plain, marker, file;
  for (b = 0; b < builds.length; b++) {
    for (o = 0; o < (os.length || 1); o++) {
      dir = [];
      ok = true;
      for (i = 0; i < r[2].length; i++) {
        part = r[2][i];
        if (typeof part === 'string') { dir.push(part); continue; }
        if (part === 2) text = os[o];
        else if (part === 3) text = caps;
        else if (part[0] === 1 && builds[b] === 1) { dir.push('_'); continue; }
        else text = v.hasOwnProperty(part[1]) ? v[part[1]] : '';
        ok = ok && safe(text);
        dir.push(text);
      }
      if (!ok) continue;
      dir = dir.join('/');
      dir = dir === '' ? '' : dir + '/';
      plain = dir + r[3] + r[4];
      marker = false;
      if (!has(plain)) {
        if (!(r[8] && has(plain + '.404'))) continue;
        marker = true;
      }
      if (suffix !== '') {
        file = dir + r[3] + suffix + r[4];
        if (has(file)) return { k: file, t: T.ct[r[10]] };
      }
      if (marker) return { s: 404, t: T.ct[r[10]] };
      return { k: plain, t: T.ct[r[10]] };
    }
  }
  return r[9] === 1 ? { s: 404, t: T.ct[r[10]] } : { s: 200, t: T.ct[0] };
}

// A tree key as a URI path (S3 decodes it once).
function uriOf(key) {
  var parts = key.split('/'), i;
  for (i = 0; i < parts.length; i++) parts[i] = encodeURIComponent(parts[i]);
  return '/' + parts.join('/');
}
