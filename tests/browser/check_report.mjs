// Opens an HTML report in Debian's headless chromium (driven by playwright-core) and prints one
// JSON object: console errors and page errors, the section ids, the headline score text, the
// report's main figures, and the paths of screenshots at laptop and phone widths.
//
//   node tests/browser/check_report.mjs REPORT.html SCREENSHOT_PREFIX
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "oracles", "package.json"));
const { chromium } = require("playwright-core");

const [report, prefix] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const result = { console_errors: [], page_errors: [], requests: [], screenshots: [] };
try {
  for (const [name, viewport] of [["laptop", { width: 1280, height: 900 }],
                                  ["phone", { width: 390, height: 844 }]]) {
    const page = await browser.newPage({ viewport });
    page.on("console", (message) => {
      if (message.type() === "error") result.console_errors.push(message.text());
    });
    page.on("pageerror", (error) => result.page_errors.push(String(error)));
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) result.requests.push(request.url());
    });
    await page.goto(pathToFileURL(path.resolve(report)).href, { waitUntil: "load" });
    const shot = `${prefix}-${name}.png`;
    await page.screenshot({ path: shot, fullPage: true });
    result.screenshots.push(shot);
    if (name === "laptop") {
      Object.assign(result, await page.evaluate(() => ({
        title: document.title,
        sections: [...document.querySelectorAll("section[id]")].map((s) => s.id),
        score: document.querySelector("#score .score")?.textContent ?? null,
        gaps: [...document.querySelectorAll("#gaps ul.gaps li")].map((li) => li.textContent),
        charts: document.querySelectorAll("svg.chart").length,
        heatmaps: document.querySelectorAll("svg.heatmap").length,
        collection_rows: document.querySelectorAll("#plan table tr").length,
        text: document.body.innerText,
        // Horizontal overflow of the page itself (tables scroll inside their own box).
        overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
      })));
    } else {
      result.phone_overflow = await page.evaluate(
        () => document.documentElement.scrollWidth > window.innerWidth + 1);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
