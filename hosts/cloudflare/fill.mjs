// Fills a local R2 bucket (wrangler's local state, `--persist-to DIR`) with a
// built tree, as `cinder publish` fills the real one: every file the tree's
// manifest lists, under its path as the key.
//
//   node hosts/cloudflare/fill.mjs --root TREE --bucket NAME --persist DIR --wrangler INSTALL [--keys FILE]
//
// INSTALL is where wrangler is installed (its package.json): its miniflare
// writes the state, in the format its `wrangler dev` reads. Objects are written
// by a small worker inside workerd, a thousand per request: the R2
// simulator takes several milliseconds per object, and going through
// miniflare's proxy one at a time takes three times as long.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const FILLER = `
export default {
  async fetch(request, env) {
    // The body: for each object, a u32 key length, the key (UTF-8),
    // a u32 size and the bytes.
    const buf = new Uint8Array(await request.arrayBuffer());
    const view = new DataView(buf.buffer);
    const utf8 = new TextDecoder();
    let i = 0;
    let n = 0;
    const pending = [];
    while (i < buf.length) {
      const keyLength = view.getUint32(i);
      i += 4;
      const key = utf8.decode(buf.subarray(i, i + keyLength));
      i += keyLength;
      const size = view.getUint32(i);
      i += 4;
      pending.push(env.TREE.put(key, buf.slice(i, i + size)));
      i += size;
      n += 1;
      if (pending.length === 64) {
        await Promise.all(pending);
        pending.length = 0;
      }
    }
    await Promise.all(pending);
    return new Response(String(n));
  },
};
`;

function fail(message) {
  process.stderr.write(`fill: ${message}\n`);
  process.exit(2);
}

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith("--") || argv[i + 1] === undefined) fail(`unexpected argument ${argv[i]}`);
  args[argv[i].slice(2)] = argv[i + 1];
}
for (const required of ["root", "bucket", "persist", "wrangler"]) {
  if (!args[required]) fail(`--${required} is required`);
}
const installed = createRequire(join(args.wrangler, "package.json"));
const { Miniflare } = await import(pathToFileURL(installed.resolve("miniflare")).href);

// Every file of the manifest, or with `--keys FILE` only the keys that file
// lists (one a line): a preview of part of a tree too big to copy whole.
const keys = readFileSync(args.keys || join(args.root, "cinder-manifest.tsv"), "utf8")
  .split("\n")
  .filter((line) => line !== "" && !line.startsWith("#"))
  .map((line) => line.split("\t")[0]);

const mf = new Miniflare({
  modules: true,
  script: FILLER,
  compatibilityDate: "2026-04-01",
  r2Buckets: { TREE: args.bucket },
  // Where `wrangler dev --persist-to DIR` keeps R2.
  r2Persist: join(args.persist, "v3", "r2"),
});
await mf.ready;
const started = Date.now();
let written = 0;
for (let at = 0; at < keys.length; at += 1000) {
  const parts = [];
  for (const key of keys.slice(at, at + 1000)) {
    const name = Buffer.from(key, "utf8");
    const bytes = readFileSync(join(args.root, key));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(name.length);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(bytes.length);
    parts.push(head, name, size, bytes);
  }
  const res = await mf.dispatchFetch("http://fill.local/", {
    method: "POST",
    body: Buffer.concat(parts),
  });
  if (!res.ok) fail(`writing objects failed: ${res.status} ${await res.text()}`);
  written += Number(await res.text());
}
await mf.dispose();
process.stderr.write(
  `fill: ${written} objects into the local R2 bucket ${args.bucket} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
