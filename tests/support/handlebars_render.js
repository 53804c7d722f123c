// Renders ESP exports in the real handlebars.js (installed by `make test` into tests/.node/).
// stdin: JSON list of {template, data, esp}; stdout: JSON list of {out} or {error}.
// One process renders a whole batch: node starts once per test module, not once per cell.
'use strict';
const path = require('path');
const Handlebars = require(path.join(process.argv[2], 'handlebars'));

function isEmpty(v) {
  return v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0);
}
function num(v) {
  // The helpers compare numbers when both sides read as numbers, else strings.
  const n = typeof v === 'number' ? v : (typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
  return n;
}
function cmp(a, b) {
  const x = num(a), y = num(b);
  return Number.isNaN(x) || Number.isNaN(y) ? [String(a), String(b)] : [x, y];
}
// Ordering helpers compare numbers ("greaterThan … compares two numbers"): a side that is no
// number (missing, blank, text) makes the test false.
function order(a, b, f) {
  const x = num(a), y = num(b);
  return !Number.isNaN(x) && !Number.isNaN(y) && f(x, y);
}
function block(test) {
  return function (...args) {
    const options = args.pop();
    return test(...args) ? options.fn(this) : options.inverse(this);
  };
}

// SendGrid dynamic templates: helpers documented in "Using Handlebars" (SendGrid docs):
// insert ("default=…"), equals, notEquals, greaterThan, lessThan, and, or.
function sendgrid(hb) {
  hb.registerHelper('insert', function (value, def) {
    const fallback = typeof def === 'string' && def.startsWith('default=') ? def.slice(8) : '';
    return isEmpty(value) ? fallback : value;
  });
  hb.registerHelper('equals', block((a, b) => { const [x, y] = cmp(a, b); return x === y; }));
  hb.registerHelper('notEquals', block((a, b) => { const [x, y] = cmp(a, b); return x !== y; }));
  hb.registerHelper('greaterThan', block((a, b) => order(a, b, (x, y) => x > y)));
  hb.registerHelper('lessThan', block((a, b) => order(a, b, (x, y) => x < y)));
  hb.registerHelper('and', block((a, b) => !isEmpty(a) && !isEmpty(b)));
  hb.registerHelper('or', block((a, b) => !isEmpty(a) || !isEmpty(b)));
}

// Iterable: "Handlebars helpers" (support.iterable.com, article 205480365): defaultIfEmpty,
// ifEq/ifGt/ifGte/ifLt/ifLte, and Handlebars.java's string helpers upper, lower, capitalize
// (each word), capitalizeFirst, plus Iterable's urlEncode block helper.
function iterable(hb) {
  hb.registerHelper('defaultIfEmpty', (v, d) => (isEmpty(v) ? d : v));
  hb.registerHelper('ifEq', block((a, b) => { const [x, y] = cmp(a, b); return x === y; }));
  hb.registerHelper('ifGt', block((a, b) => order(a, b, (x, y) => x > y)));
  hb.registerHelper('ifGte', block((a, b) => order(a, b, (x, y) => x >= y)));
  hb.registerHelper('ifLt', block((a, b) => order(a, b, (x, y) => x < y)));
  hb.registerHelper('ifLte', block((a, b) => order(a, b, (x, y) => x <= y)));
  const str = (v) => (v === undefined || v === null ? '' : String(v));
  hb.registerHelper('upper', (v) => str(v).toUpperCase());
  hb.registerHelper('lower', (v) => str(v).toLowerCase());
  // Handlebars.java StringHelpers.capitalize: WordUtils.capitalize (first letter of each word).
  hb.registerHelper('capitalize', (v) => str(v).replace(/(^|\s)(\S)/g, (m, s, c) => s + c.toUpperCase()));
  hb.registerHelper('capitalizeFirst', (v) => { const s = str(v); return s.charAt(0).toUpperCase() + s.slice(1); });
  hb.registerHelper('urlEncode', function (options) { return encodeURIComponent(options.fn(this)); });
}

const ESPS = { sendgrid, iterable };

function main(jobs) {
  return jobs.map((job) => {
    try {
      const hb = Handlebars.create();
      if (ESPS[job.esp]) ESPS[job.esp](hb);
      // Amazon SES: "SES doesn't escape HTML content when rendering the HTML template".
      const template = hb.compile(job.template, { noEscape: job.esp === 'ses', strict: false });
      return { out: template(job.data) };
    } catch (e) {
      return { error: String(e && e.message || e) };
    }
  });
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => { process.stdout.write(JSON.stringify(main(JSON.parse(input)))); });
