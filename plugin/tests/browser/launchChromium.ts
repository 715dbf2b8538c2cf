// The browser for the plugin's tests: the Chromium that ships inside the `@sparticuz/chromium` npm
// package (decompressed to the temp folder on first use), driven by playwright-core. No apt, no
// `playwright install`. Its default flags include `--disable-web-security` and
// `--allow-running-insecure-content`: dropped here, so the same-origin and CORS rules a real
// agent's browser applies hold in the test too. `--single-process` (for Lambda) goes as well: in
// it, closing one browser context takes the whole browser down.
import sparticuz from "@sparticuz/chromium";
import { chromium, type Browser } from "playwright-core";

const UNFAITHFUL_FLAGS = new Set(["--disable-web-security", "--allow-running-insecure-content", "--single-process"]);

export async function launchChromium(): Promise<{ browser: Browser; executablePath: string }> {
  const executablePath = await sparticuz.executablePath();
  const args = sparticuz.args.filter((flag) => !UNFAITHFUL_FLAGS.has(flag));
  const browser = await chromium.launch({ executablePath, args, headless: true });
  return { browser, executablePath };
}
