// The SARIF skiff writes, read by Microsoft's validator (`sarif-multitool validate`, offline),
// with its SARIF rules and GitHub's code-scanning rules: no error and no warning allowed.
//
// Usage: node check_sarif.mjs SKIFF MULTITOOL
//
// Three logs: a workspace with a lint in a template, one in an override and one in a YAML
// template (with fixes); one with errors (related locations, several files, a path to escape);
// and `skiff build`'s, written on stderr.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const [skiff, multitool] = process.argv.slice(2).map((p) => resolve(p));
const root = mkdtempSync(join(tmpdir(), "skiff-sarif-"));

function workspace(name, files) {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const lints = workspace("lints", {
  "main.skiff": `pod_template agent from "cluster/agent.yaml"

pod_template node_local {
  hostNetwork: true
}

task probe() {
  image: "ghcr.io/acme/probe:1.0"
  pod_template: node_local
}

task scan() {
  image: "ghcr.io/acme/scan:latest"
  pod_template: agent
  resources { limits { memory: 512m } }
}

workflow nightly() {
  let a = probe()
  let b = scan()
    override securityContext { privileged: true, capabilities { add: ["SYS_ADMIN"] } }
}
`,
  "cluster/agent.yaml": "spec:\n  volumes:\n  - name: root\n    hostPath:\n      path: /\n",
  "skiff.toml": '[lints]\n"run-as-root" = "warn"\n"missing-cpu-request" = "deny"\n',
});

const errors = workspace("errors with spaces", {
  "a b/main.skiff": `import "lib.skiff" as lib
import "gone.skiff" as gone

task train(epochs: int) {
  image: "x:1"
  imagee: "y"
}

task train() { image: "é:1" }

workflow w() {
  let a = train(epoch: 3)
  let a = train(epochs: 1)
}
`,
  "a b/lib.skiff": "pod_template p { nodeSelector { \"gpu type\": \"a100\" } }\n",
});

function run(args, cwd) {
  const result = spawnSync(skiff, args, { cwd, encoding: "utf8" });
  if (result.status === null || result.status > 1) {
    throw new Error(`skiff ${args.join(" ")} exited with ${result.status}: ${result.stderr}`);
  }
  return result;
}

const logs = [
  ["check with lints", run(["check", "--message-format", "sarif", "."], lints).stdout],
  ["check with errors", run(["check", "--message-format", "sarif", "."], errors).stdout],
  ["build", run(["build", "--message-format", "sarif", "."], lints).stderr],
];

const failures = [];
for (const [name, text] of logs) {
  const log = JSON.parse(text);
  const results = log.runs[0].results;
  if (results.length === 0) failures.push(`${name}: no results to validate`);
  const input = join(root, `${name.replaceAll(" ", "-")}.sarif`);
  const output = `${input}.validation.sarif`;
  writeFileSync(input, text);
  execFileSync(
    multitool,
    ["validate", "--rule-kind", "Sarif;Gh", "--level", "Error;Warning", "--log", "ForceOverwrite", "-o", output, input],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const validation = JSON.parse(readFileSync(output, "utf8"));
  for (const run of validation.runs) {
    const rules = run.tool.driver.rules ?? [];
    for (const result of run.results ?? []) {
      const rule = rules[result.ruleIndex] ?? {};
      const level = result.level ?? rule.defaultConfiguration?.level ?? "warning";
      if (level === "error" || level === "warning") {
        const where = result.locations?.[0]?.physicalLocation?.region;
        failures.push(`${name}: ${level} ${result.ruleId} at ${JSON.stringify(where)}: ${JSON.stringify(result.message)}`);
      }
    }
    for (const notification of run.invocations?.flatMap((i) => i.toolExecutionNotifications ?? []) ?? []) {
      if (notification.level === "error") failures.push(`${name}: ${JSON.stringify(notification.message)}`);
    }
  }
  console.log(`${name}: ${results.length} results validated`);
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`sarif: ${logs.length} passed, 0 failed`);
