// The CloudFront Function's handler (viewer request, cloudfront-js-2.0):
// rewrites the request's URI to the tree key that answers it, so that the
// cache and the S3 origin see the answer's own key (the query string, read
// here, is dropped: the key names the variant); 404 on a JSON route is
// answered here. `index()` gives the tree's index (inline, or read from the
// KeyValueStore).
async function handler(event) {
  var x = await index(), r = event.request, q = r.querystring, s = [], n, i, m, ua = r.headers['user-agent'];
  for (n in q) {
    m = q[n].multiValue || [q[n]];
    for (i = 0; i < m.length; i++) s.push(n + '=' + m[i].value);
  }
  var a = route(T, function (k) { return has(x, k); }, r.uri, s.join('&'), ua ? ua.value : null, Math.floor(Math.random() * 100));
  if (a.k == null) {
    return { statusCode: 404, statusDescription: 'Not Found', headers: { 'content-type': { value: T.ct[a.t] }, 'cache-control': { value: T.cc } } };
  }
  r.uri = uri(a.k);
  r.querystring = {};
  return r;
}
