import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../dev/paths.ts';

export const phone = { width: 390, height: 844 };
export const desktop = { width: 1280, height: 800 };
const screenshotDir = join(projectRoot, 'docs', 'screenshots');

/** Debian's Chromium, headless; Playwright gives every launch a fresh temporary profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves the page at phone and desktop widths (docs/screenshots/{name}-phone.png, -desktop.png). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const before = page.viewportSize() ?? desktop;
  for (const [label, size] of [
    ['phone', phone],
    ['desktop', desktop],
  ] as const) {
    await page.setViewportSize(size);
    // Images reflow into the new width and lazy ones start loading: let them settle.
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(screenshotDir, `${name}-${label}.png`) });
  }
  await page.setViewportSize(before);
}
