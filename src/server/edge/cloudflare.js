// The Cloudflare Worker's handler (module syntax): answers each request
// with the tree file the routing description picks, read from the tree's
// storage by `load(env, key)` (an R2 bucket, or the Worker's static
// assets), with the route's Content-Type and the site's Cache-Control; 404
// with an empty body on a JSON route without an update.
export default {
  async fetch(req, env) {
    if (req.method != 'GET' && req.method != 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    var u = new URL(req.url);
    var a = route(T, function (k) { return has(X, k); }, u.pathname, u.search.slice(1), req.headers.get('user-agent'), Math.floor(Math.random() * 100));
    var h = { 'content-type': T.ct[a.t], 'cache-control': T.cc };
    if (a.k == null) return new Response(null, { status: 404, headers: h });
    // A key the index lists but the storage lacks (a tree published
    // without redeploying the Worker) gets the empty document.
    var body = await load(env, a.k);
    if (!body) {
      body = await load(env, T.e);
      h['content-type'] = T.ct[0];
    }
    return new Response(req.method == 'HEAD' ? null : body, { headers: h });
  },
};
