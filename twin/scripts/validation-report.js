// Sums the validation stats every twin wrote (TWIN_VALIDATION_REPORT=<file>, one JSON line per
// stopped twin) and prints the figures the issue asks for. Exit code 1 if any response failed.
"use strict";
const { readFileSync } = require("fs");

const file = process.argv[2];
if (!file) {
  console.error("usage: node scripts/validation-report.js <report.jsonl>");
  process.exit(2);
}
const lines = readFileSync(file, "utf8")
  .trim()
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const sum = (key) => lines.reduce((total, line) => total + line[key], 0);
const failures = lines.flatMap((line) => line.failures);
const served = sum("responsesServed");
const checked = sum("responsesChecked");
console.log(`twins: ${lines.length}`);
console.log(
  `responses served: ${served}, validated against the spec: ${checked} (${served ? ((100 * checked) / served).toFixed(1) : 100} %)`,
);
console.log(`response mismatches: ${failures.length}`);
console.log(
  `request bodies checked: ${sum("requestsChecked")}, rejected (400): ${sum("requestsRejected")}, without a body schema: ${sum("requestsWithoutSchema")}`,
);
for (const failure of failures) console.log(JSON.stringify(failure));
process.exit(failures.length > 0 || checked !== served ? 1 : 0);
