import { existsSync } from 'node:fs';

/** Headless Chromium from Debian (`apt-get install -y chromium`), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const hasChromium = existsSync(CHROMIUM);
export const NO_CHROMIUM = `browser test skipped: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`;
