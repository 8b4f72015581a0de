// A real headless Chromium for the dashboard tests: Debian's `chromium-headless-shell` driven
// by playwright-core (never `playwright install`: browser downloads are not reachable). A
// missing browser is an error that names the package, never a skip.
import { execFileSync } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright-core";

export const BROWSER_PACKAGE = "chromium-headless-shell";

export function browserPath(): string {
  try {
    return execFileSync("sh", ["-c", `command -v ${BROWSER_PACKAGE}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`${BROWSER_PACKAGE} is not on PATH: install Debian's package (apt-get install ${BROWSER_PACKAGE}); .ci/run does`);
  }
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: browserPath(), args: ["--no-sandbox"] });
}

/** A page that records every console error and uncaught exception. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}
