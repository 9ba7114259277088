// A local Amazon CloudFront for previews and tests: the distribution that
// `cinder server-config cloudfront` describes (its CloudFormation template),
// in front of an S3 origin holding the tree as `cinder publish` fills it.
//
//   node --experimental-vm-modules hosts/cloudfront/edge.mjs \
//     --template cloudfront.template.json [--key-value-store key-value-store.json] \
//     (--origin-dir TREE | --origin http://127.0.0.1:PORT/BUCKET) --listen 127.0.0.1:PORT
//
// The origin is either an S3-compatible server (path-style), or a built
// tree read as a bucket: its files' paths are the keys (the manifest's
// paths), matched exactly after the URI is decoded once, each object carrying the Content-Type and
// Cache-Control the template's `Metadata.cinder.Objects` says `cinder
// publish` gives it; any other key is 403 AccessDenied, as S3 answers a
// distribution without permission to list the bucket.
//
// What it does with each request, as CloudFront does:
// 1. The viewer-request function runs on the event CloudFront builds: the
//    URI as the viewer sent it (percent-encoding kept), the query string as
//    an object of raw names and values (`multiValue` for repeated names),
//    lower-case header names. The function's code is the template's
//    `FunctionCode`, run as generated in a context holding only the
//    JavaScript built-ins (no network, timers, file system or dynamic code
//    evaluation, as in the cloudfront-js-2.0 runtime), with the
//    `cloudfront` module's `kvs()` reading the key-value store file. The
//    runtime's limits are checked when it starts: code size 10 KB, key
//    value store 5 MB, keys 512 bytes, values 1 KB.
// 2. A response the function returns is sent as it is.
// 3. Otherwise the rewritten URI is fetched from the origin, without the
//    query string (the cache policy forwards none). Status,
//    Content-Type, Cache-Control, ETag and Last-Modified pass through.
// 4. A 403 or 404 from the origin is answered by the template's custom error
//    response for that code: its page fetched from the origin, with its
//    response code.
//
// Nothing is cached: every request runs the function and reaches the origin,
// which is what a cache miss does. Each request is logged on stderr as
// `METHOD URL -> STATUS KEY (N us in the function)`, after one line
// `cloudfront: serving on http://ADDR` once it listens. SIGTERM or SIGINT
// stops it.

import http from "node:http";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";

const FUNCTION_CODE_LIMIT = 10 * 1024;
const KVS_SIZE_LIMIT = 5 * 1024 * 1024;
const KVS_KEY_LIMIT = 512;
const KVS_VALUE_LIMIT = 1024;

function fail(message) {
  process.stderr.write(`cloudfront: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!name.startsWith("--") || value === undefined) {
      fail(`unexpected argument ${name}`);
    }
    args[name.slice(2)] = value;
  }
  for (const required of ["template", "listen"]) {
    if (!args[required]) fail(`--${required} is required`);
  }
  if (!args.origin === !args["origin-dir"]) fail("give one of --origin URL and --origin-dir TREE");
  return args;
}

/// The resources of a type in a CloudFormation template.
function resources(template, type) {
  return Object.values(template.Resources || {}).filter((r) => r.Type === type);
}

/// What the emulator needs of the template, checked as CloudFront would.
function distribution(template) {
  const functions = resources(template, "AWS::CloudFront::Function");
  if (functions.length !== 1) fail(`the template has ${functions.length} functions, not one`);
  const fn = functions[0].Properties;
  if (fn.FunctionConfig.Runtime !== "cloudfront-js-2.0") {
    fail(`the function's runtime is ${fn.FunctionConfig.Runtime}, not cloudfront-js-2.0`);
  }
  const code = fn.FunctionCode;
  const size = Buffer.byteLength(code, "utf8");
  if (size > FUNCTION_CODE_LIMIT) {
    fail(`the function is ${size} bytes; CloudFront takes at most ${FUNCTION_CODE_LIMIT}`);
  }
  const dists = resources(template, "AWS::CloudFront::Distribution");
  if (dists.length !== 1) fail(`the template has ${dists.length} distributions, not one`);
  const config = dists[0].Properties.DistributionConfig;
  const behavior = config.DefaultCacheBehavior;
  const associations = behavior.FunctionAssociations || [];
  if (associations.length !== 1 || associations[0].EventType !== "viewer-request") {
    fail("the function must be the default cache behavior's one viewer-request association");
  }
  const policies = resources(template, "AWS::CloudFront::CachePolicy");
  if (policies.length !== 1) fail(`the template has ${policies.length} cache policies, not one`);
  const params = policies[0].Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin;
  // The key names the answer: a cache key with query strings or headers in
  // it would only split the cache.
  if (params.QueryStringsConfig.QueryStringBehavior !== "none") {
    fail("the cache policy must forward no query string: the function's URI names the answer");
  }
  const errors = new Map();
  for (const e of config.CustomErrorResponses || []) {
    errors.set(Number(e.ErrorCode), {
      page: e.ResponsePagePath,
      status: Number(e.ResponseCode),
    });
  }
  const objects = ((template.Metadata || {}).cinder || {}).Objects;
  if (!objects) fail("the template has no Metadata.cinder.Objects (what the bucket's objects carry)");
  return {
    code,
    size,
    objects,
    errors,
    kvs: (fn.FunctionConfig.KeyValueStoreAssociations || []).length > 0,
  };
}

/// The key value store's import file (`{"data": [{"key", "value"}]}`), checked
/// against CloudFront's limits.
function keyValueStore(path) {
  const text = readFileSync(path, "utf8");
  const data = JSON.parse(text).data;
  const store = new Map();
  let total = 0;
  for (const { key, value } of data) {
    const k = Buffer.byteLength(key, "utf8");
    const v = Buffer.byteLength(value, "utf8");
    if (k > KVS_KEY_LIMIT) fail(`key value store key ${key} is ${k} bytes (at most ${KVS_KEY_LIMIT})`);
    if (v > KVS_VALUE_LIMIT) fail(`key value store value of ${key} is ${v} bytes (at most ${KVS_VALUE_LIMIT})`);
    total += k + v;
    store.set(key, value);
  }
  if (total > KVS_SIZE_LIMIT) fail(`the key value store holds ${total} bytes (at most ${KVS_SIZE_LIMIT})`);
  return store;
}

/// The `cloudfront` module of the runtime: `kvs()` with `get` and `exists`.
function cloudfrontModule(store, context) {
  const handle = {
    get: async (key, options) => {
      if (!store || !store.has(key)) throw new Error(`key value store: no key ${key}`);
      const value = store.get(key);
      const format = (options && options.format) || "string";
      return format === "json" ? JSON.parse(value) : value;
    },
    exists: async (key) => Boolean(store && store.has(key)),
  };
  return new vm.SyntheticModule(
    ["default"],
    function () {
      this.setExport("default", { kvs: () => handle });
    },
    { context },
  );
}

/// The function's handler, loaded from its code as generated. Code that
/// imports the `cloudfront` module is a module; its handler is reached by
/// one line appended to it, `export { handler };`.
async function loadHandler(code, store) {
  // Only the language's built-ins: no console, timers, network or modules.
  const context = vm.createContext({}, {
    codeGeneration: { strings: false, wasm: false },
  });
  if (/^\s*import\s/m.test(code)) {
    const mod = new vm.SourceTextModule(`${code}\nexport { handler };\n`, {
      context,
      identifier: "cloudfront-function.js",
    });
    await mod.link((specifier) => {
      if (specifier !== "cloudfront") throw new Error(`the runtime has no module ${specifier}`);
      return cloudfrontModule(store, context);
    });
    await mod.evaluate();
    return mod.namespace.handler;
  }
  new vm.Script(code, { filename: "cloudfront-function.js" }).runInContext(context);
  const handler = context.handler;
  if (typeof handler !== "function") fail("the function's code defines no handler(event)");
  return handler;
}

/// `{name: {value, multiValue?}}` as CloudFront Functions give query strings
/// and headers: the first value, and every value when a name repeats.
function fields(pairs) {
  const out = {};
  for (const [name, value] of pairs) {
    const field = out[name];
    if (!field) {
      out[name] = { value };
    } else {
      if (!field.multiValue) field.multiValue = [{ value: field.value }];
      field.multiValue.push({ value });
    }
  }
  return out;
}

/// The raw query string's parameters: names and values as sent, not decoded.
function queryPairs(raw) {
  return raw
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
    });
}

function headerPairs(rawHeaders) {
  const pairs = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (name === "cookie") continue;
    pairs.push([name, rawHeaders[i + 1]]);
  }
  return pairs;
}

let requests = 0;

function event(req) {
  const raw = req.url;
  const q = raw.indexOf("?");
  requests += 1;
  return {
    version: "1.0",
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "ELOCALCINDER",
      eventType: "viewer-request",
      requestId: `local-${requests}`,
    },
    viewer: { ip: req.socket.remoteAddress },
    request: {
      method: req.method,
      uri: q < 0 ? raw : raw.slice(0, q),
      querystring: fields(queryPairs(q < 0 ? "" : raw.slice(q + 1))),
      headers: fields(headerPairs(req.rawHeaders)),
      cookies: {},
    },
  };
}

/// A response object the function returned, sent to the viewer.
function sendGenerated(res, response) {
  const headers = {};
  for (const [name, field] of Object.entries(response.headers || {})) {
    headers[name] = field.multiValue ? field.multiValue.map((v) => v.value) : field.value;
  }
  let body = response.body;
  if (body && typeof body === "object") {
    body = body.encoding === "base64" ? Buffer.from(body.data, "base64") : body.data;
  }
  body = Buffer.from(body === undefined ? "" : body);
  headers["content-length"] = String(body.length);
  res.writeHead(response.statusCode, response.statusDescription, headers);
  res.end(body);
}

const PASSED = ["content-type", "cache-control", "etag", "last-modified", "content-length"];

/// S3's percent-decoding of a request path into a key; `null` when it is not
/// valid UTF-8 (S3 refuses such a request).
function s3Key(uri) {
  try {
    return decodeURIComponent(uri.slice(1));
  } catch {
    return null;
  }
}

/// Whether a built tree, read as a bucket, holds a key: a file at exactly
/// that path (no empty, `.` or `..` segment, no directory). Files are
/// looked up as requests come (a tree may hold millions).
function isKey(root, key) {
  const parts = key.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return false;
  try {
    return statSync(join(root, key)).isFile();
  } catch {
    return false;
  }
}

/// A built tree read as an S3 bucket.
function directoryOrigin(root, objects) {
  const types = objects["Content-Type"].map(([pattern, type]) => [new RegExp(pattern), type]);
  const typeOf = (key) => (types.find(([p]) => p.test(key)) || [null, objects.Default])[1];
  return async (uri) => {
    const key = s3Key(uri);
    if (key === null || !isKey(root, key)) {
      const body = Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      );
      return { status: 403, headers: { "content-type": "application/xml" }, body };
    }
    const body = readFileSync(join(root, key));
    return {
      status: 200,
      headers: {
        "content-type": typeOf(key),
        "cache-control": objects["Cache-Control"],
        "content-length": String(body.length),
      },
      body,
    };
  };
}

/// An S3-compatible server, path-style (`http://HOST:PORT/BUCKET`).
function httpOrigin(base) {
  return async (uri) => fromOrigin(base, uri);
}

async function fromOrigin(origin, uri) {
  const url = `${origin}${uri}`;
  const answer = await fetch(url, { redirect: "manual" });
  const body = Buffer.from(await answer.arrayBuffer());
  const headers = {};
  for (const name of PASSED) {
    const v = answer.headers.get(name);
    if (v !== null) headers[name] = v;
  }
  return { status: answer.status, headers, body };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const template = JSON.parse(readFileSync(args.template, "utf8"));
  const dist = distribution(template);
  let store = null;
  if (dist.kvs) {
    if (!args["key-value-store"]) fail("the function reads a key value store: pass --key-value-store FILE");
    store = keyValueStore(args["key-value-store"]);
  }
  const handler = await loadHandler(dist.code, store);
  const fetchKey = args.origin
    ? httpOrigin(args.origin.replace(/\/$/, ""))
    : directoryOrigin(args["origin-dir"], dist.objects);

  const server = http.createServer(async (req, res) => {
    const ev = event(req);
    let result;
    const start = process.hrtime.bigint();
    try {
      result = await handler(ev);
    } catch (e) {
      process.stderr.write(`cloudfront: the function failed on ${req.url}: ${e.stack || e}\n`);
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("The CloudFront function failed (FunctionExecutionError)\n");
      return;
    }
    const micros = Number((process.hrtime.bigint() - start) / 1000n);
    try {
      if (result && result.statusCode !== undefined) {
        sendGenerated(res, result);
        process.stderr.write(`${req.method} ${req.url} -> ${result.statusCode} (generated; ${micros} us in the function)\n`);
        return;
      }
      if (!result || typeof result.uri !== "string" || !result.uri.startsWith("/")) {
        throw new Error("the function returned neither a request with a URI starting with / nor a response");
      }
      if (result.method !== req.method) throw new Error("the function changed the read-only method");
      let answer = await fetchKey(result.uri);
      let note = result.uri;
      const custom = dist.errors.get(answer.status);
      if (custom) {
        const page = await fetchKey(custom.page);
        answer = { status: custom.status, headers: page.headers, body: page.body };
        note = `${result.uri}, custom error response ${custom.page}`;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(req.method === "HEAD" ? undefined : answer.body);
      process.stderr.write(`${req.method} ${req.url} -> ${answer.status} ${note} (${micros} us in the function)\n`);
    } catch (e) {
      process.stderr.write(`cloudfront: ${req.url}: ${e.stack || e}\n`);
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("Bad gateway\n");
    }
  });
  const colon = args.listen.lastIndexOf(":");
  const host = args.listen.slice(0, colon);
  const port = Number(args.listen.slice(colon + 1));
  server.listen(port, host, () => {
    process.stderr.write(
      `cloudfront: serving on http://${args.listen} (function ${dist.size} of ${FUNCTION_CODE_LIMIT} bytes${store ? `, key value store of ${store.size} keys` : ""})\n`,
    );
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => fail(e.stack || String(e)));
