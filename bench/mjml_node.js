#!/usr/bin/env node
// The reference MJML compiler, timed in-process: load `mjml` once, then compile each input
// file `--runs` times after `--warmup` untimed compiles, and print one JSON object:
//   {"mjml_version": "...", "node_version": "...", "results": {"<file>": {
//       "samples_ms": [...], "median_ms": m, "html_bytes": n, "errors": k}}}
// Only the compile call is timed (the file is read once, before timing).
//
// Usage: node bench/mjml_node.js --modules bench/node/node_modules --runs 30 --warmup 3 FILE...
"use strict";

const fs = require("fs");
const path = require("path");

function parseArgs(argv) {
  const out = { runs: 30, warmup: 3, modules: path.join(__dirname, "node", "node_modules"), files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") out.runs = parseInt(argv[++i], 10);
    else if (a === "--warmup") out.warmup = parseInt(argv[++i], 10);
    else if (a === "--modules") out.modules = argv[++i];
    else out.files.push(a);
  }
  return out;
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const mjmlDir = path.join(path.resolve(args.modules), "mjml");
  const mjml2html = require(mjmlDir);
  const version = JSON.parse(fs.readFileSync(path.join(mjmlDir, "package.json"), "utf8")).version;
  // mjml 5 returns a Promise, mjml 4 the result itself: await works for both.
  const compile = async (src) => await mjml2html(src, { validationLevel: "soft" });
  const results = {};
  for (const file of args.files) {
    const src = fs.readFileSync(file, "utf8");
    let last = null;
    for (let i = 0; i < args.warmup; i++) last = await compile(src);
    const samples = [];
    for (let i = 0; i < args.runs; i++) {
      const t0 = process.hrtime.bigint();
      last = await compile(src);
      const t1 = process.hrtime.bigint();
      samples.push(Number(t1 - t0) / 1e6);
    }
    results[file] = {
      samples_ms: samples,
      median_ms: median(samples),
      html_bytes: last ? Buffer.byteLength(last.html || "", "utf8") : 0,
      errors: last && last.errors ? last.errors.length : 0,
    };
  }
  process.stdout.write(JSON.stringify({ mjml_version: version, node_version: process.version, results }));
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + "\n");
  process.exit(1);
});
