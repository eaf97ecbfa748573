// All-against-all Dolos (@dodona/dolos-lib) over the files named on the command line.
// benchmarks/run.py drives it: DOLOS_NODE_MODULES points at the node_modules it installed.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const modules = process.env.DOLOS_NODE_MODULES;
if (!modules) {
  console.error("set DOLOS_NODE_MODULES to the node_modules directory holding @dodona/dolos-lib");
  process.exit(2);
}
const require = createRequire(modules.replace(/\/?$/, "/"));
const { Dolos } = await import(pathToFileURL(require.resolve("@dodona/dolos-lib")).href);

const began = performance.now();
const dolos = new Dolos({ language: "python" });
const report = await dolos.analyzePaths(process.argv.slice(2));
const pairs = report.allPairs();
let best = 0;
let similar = 0;
for (const pair of pairs) {
  best = Math.max(best, pair.similarity);
  if (pair.similarity >= 0.5) similar += 1;
}
console.log(JSON.stringify({
  files: report.files.length, pairs: pairs.length, pairs_at_least_0_5: similar, best,
  seconds: (performance.now() - began) / 1000,
}));
