// Renders the chart exported by `InfraGrpc.Bench render DIR` with handlebars.js (render only: no
// YAML parsing or graph), with the same helpers used by the templates, and prints ms per render.
import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";

const dir = process.argv[2];
const renders = 300;
const hb = Handlebars.create();
hb.registerHelper("json", (v) => JSON.stringify(v));
hb.registerHelper("upper", (v) => String(v).toUpperCase());
hb.registerHelper("gt", (a, b) => a > b);
hb.registerPartial("labels", fs.readFileSync(path.join(dir, "templates/_labels.hbs"), "utf8"));
const templates = fs.readdirSync(path.join(dir, "templates"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => hb.compile(fs.readFileSync(path.join(dir, "templates", f), "utf8"), { noEscape: true, strict: true }));
const env = "prod";
const context = {
  values: { region: "us-east-1", replicas: 2, tags: { team: "bench", tier: "web" }, zones: ["a", "b", "c"], env },
  project: { name: "bench", org: "acme", env },
  chart: { name: "render-bench", version: "1.0.0" },
  env,
};
const renderAll = () => templates.map((t) => t(context)).join("");
for (let i = 0; i < 50; i++) renderAll();
const start = process.hrtime.bigint();
for (let i = 0; i < renders; i++) renderAll();
const ms = Number(process.hrtime.bigint() - start) / 1e6 / renders;
console.log(`handlebars.js render only: ${ms.toFixed(3)} ms per render (${renders} renders)`);
const csharp = Number(fs.readFileSync(path.join(dir, "ms-per-render.txt"), "utf8"));
console.log(`ratio csharp(render+parse+graph) / handlebars.js(render): ${(csharp / ms).toFixed(3)} (below 1 means InfraGrpc is faster)`);
