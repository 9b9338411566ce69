// What the benchmark's Node clients share: option parsing and percentiles.
'use strict';

// "--key value" pairs over DEFAULTS; an unknown or valueless option, or a missing --url, exits 2.
function parseArgs(tool, argv, defaults, urlHint) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in defaults) || i + 1 >= argv.length) {
      console.error(`${tool}: unknown or valueless option ${argv[i]}`);
      process.exit(2);
    }
    out[key] = argv[i + 1];
  }
  if (!out.url) {
    console.error(`${tool}: --url ${urlHint} is required`);
    process.exit(2);
  }
  return out;
}

// The P-th percentile of an ascending array (nearest rank), or EMPTY when it has no element.
function percentile(sorted, p, empty) {
  if (sorted.length === 0) return empty;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

module.exports = { parseArgs, percentile };
