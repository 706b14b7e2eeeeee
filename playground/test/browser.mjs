// The playground in real headless Chromium (puppeteer-core driving the system's `chromium`):
//   1. the page loads (dist/, served over HTTP as any static host would) and checks the seed
//      workspace clean;
//   2. the output pane shows, for each target, valid YAML (the `yaml` package reads every
//      document), the same bytes as `skiff build --target T examples/seed`;
//   3. typing an error shows its diagnostic (squiggle and problem list), and removing it clears it;
//   4. hovering the call's override shows the merged pod with its origins;
//   5. a screenshot of the page is written.
// It prints the page's load time and the keystroke-to-diagnostics times.
//
// Usage: node test/browser.mjs SKIFF_BIN SCREENSHOT.png   (CHROMIUM: the browser, default
// /usr/bin/chromium; dist/ must be built: `cargo xtask playground`)
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import puppeteer from 'puppeteer-core';
import { parseAllDocuments } from 'yaml';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..', '..');
const dist = path.resolve(here, '..', 'dist');
const [skiff, screenshot] = process.argv.slice(2);
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (!skiff || !screenshot) {
  console.error('usage: node test/browser.mjs SKIFF_BIN SCREENSHOT.png');
  process.exit(2);
}
for (const [what, p] of [['dist/index.html', path.join(dist, 'index.html')], ['chromium', chromium], ['skiff', skiff]]) {
  if (!fs.existsSync(p)) {
    console.error(`browser.mjs: no ${what} at ${p}`);
    process.exit(2);
  }
}

let failed = 0;
let passed = 0;
function check(name, ok, detail) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || detail === undefined ? '' : `: ${String(detail).slice(0, 2000)}`}`);
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const name = new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html');
  const file = path.join(dist, path.normalize(name));
  if (!file.startsWith(dist) || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // As root (CI containers) Chromium needs --no-sandbox.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const errors = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1500, height: 950 });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  // 1. Loads, checks, compiles.
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.skiffStats?.ready, { timeout: 30000 });
  const loadMs = await page.evaluate(() => window.skiffStats.loadMs);
  check('the page loads and checks the workspace', (await page.$eval('#problems-count', (e) => e.textContent)) === 'no problems');

  // 2. Each target's output: valid YAML, and what `skiff build` prints.
  for (const target of ['pods', 'argo', 'podtemplates']) {
    await page.select('#target', target);
    const shown = await page.$eval('#output', (e) => e.textContent);
    const documents = parseAllDocuments(shown);
    const problems = documents.flatMap((d) => d.errors.map(String));
    check(`${target}: the output is valid YAML (${documents.length} documents)`, documents.length > 0 && problems.length === 0, problems.join('\n') || shown);
    const cli = execFileSync(skiff, ['build', '--target', target, 'examples/seed'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    check(`${target}: the output is what \`skiff build\` prints`, shown === cli, `page:\n${shown}\ncli:\n${cli}`);
  }
  await page.select('#target', 'pods');

  // Where a piece of text is on screen: the middle of its `offset`-th character.
  const spot = (needle, offset) =>
    page.evaluate(
      (needle, offset) => {
        for (const line of document.querySelectorAll('.cm-content .cm-line')) {
          const at = line.textContent.indexOf(needle);
          if (at < 0) continue;
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          let seen = 0;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const len = node.textContent.length;
            if (seen + len > at + offset) {
              const range = document.createRange();
              range.setStart(node, at + offset - seen);
              range.setEnd(node, at + offset - seen + 1);
              const r = range.getBoundingClientRect();
              return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
            }
            seen += len;
          }
        }
        return null;
      },
      needle,
      offset,
    );

  // 3. Typing an error: its diagnostic; and gone again once it is fixed. Each keystroke's time
  //    to fresh diagnostics is measured in the page (key event to diagnostics set).
  const word = await spot('nodeSelector { "gpu-type": "nvidia-a100" }', 4);
  await page.mouse.click(word.x, word.y);
  const wallMs = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    await page.keyboard.type('x');
    await page.waitForSelector('.cm-lintRange-error', { timeout: 10000 });
    wallMs.push(performance.now() - t);
    if (i === 0) {
      const problems = await page.$$eval('#problems li', (items) => items.map((li) => li.textContent));
      check('typing an error shows its diagnostic', problems.length === 1 && problems[0].includes('[unknown-field]') && problems[0].includes('nodexSelector'), problems.join('\n'));
      const output = await page.$eval('#output', (e) => e.textContent);
      check('the output says why it cannot build', output.includes('1 error: fix them to build'), output);
    }
    t = performance.now();
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => !document.querySelector('.cm-lintRange-error'), { timeout: 10000 });
    wallMs.push(performance.now() - t);
  }
  check('fixing it clears the diagnostic', (await page.$eval('#problems-count', (e) => e.textContent)) === 'no problems');
  const pageMs = await page.evaluate(() => window.skiffStats.diagnosticsMs);

  // 4. Hover the override: the merged pod with its origins.
  // (The pointer first leaves the field it clicked, whose own hover may be open.)
  await page.mouse.move(1, 1);
  await page.waitForFunction(() => !document.querySelector('.skiff-hover'), { timeout: 10000 });
  const override = await spot('override pod_template', 3);
  await page.mouse.move(override.x, override.y);
  await page.waitForSelector('.skiff-hover', { timeout: 10000 });
  const hover = await page.$eval('.skiff-hover', (e) => e.textContent);
  check('hover shows the pod of the node', hover.includes('The pod of my_workflow.m2'), hover);
  check('... merged, with its origins', /nodeSelector: \{gpu-type: nvidia-a100\} +# override pod_template \(train\.skiff:16\)/.test(hover), hover);
  check('... and what the overrides changed', hover.includes('nodeSelector.gpu-type: nvidia-tesla-v100 → nvidia-a100'), hover);

  // 5. The screenshot, with the hover open.
  await page.screenshot({ path: screenshot });
  check('a screenshot is written', fs.statSync(screenshot).size > 10000);
  check('no error in the page', errors.length === 0, errors.join('\n'));

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (x) => x.toFixed(1);
  console.log(`playground: load ${fmt(loadMs)} ms (navigation start to a checked, compiled workspace)`);
  console.log(`playground: keystroke to diagnostics ${fmt(median(pageMs))} ms median in the page (max ${fmt(Math.max(...pageMs))}, n=${pageMs.length}), ${fmt(median(wallMs))} ms median seen by the test`);
} catch (error) {
  check('no exception', false, error.stack);
} finally {
  await browser.close();
  server.close();
}
console.log(`playground browser test: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
