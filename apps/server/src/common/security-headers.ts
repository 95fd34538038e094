import helmet from 'helmet';

type Directives = Record<string, string[]>;

/**
 * The two pages the server serves, the admin panel (/admin) and the OpenAPI UI (/api/docs), load
 * only their own scripts and talk only to this server; no inline scripts, no other origins, no
 * framing. Styles may be inline (Mantine sets style attributes and a <style> element of theme
 * variables; the OpenAPI UI has a <style> element), and images and fonts may be data: URLs.
 * Unlike helmet's defaults there is no `upgrade-insecure-requests`: the server is often reached
 * over plain HTTP on a LAN, where that directive would break both pages.
 */
const PAGE_POLICY: Directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Everything else is JSON or text for programs: a browser that renders it may load nothing. */
const API_POLICY: Directives = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };

/**
 * helmet's headers (nosniff, no framing, no referrer, same-origin isolation, ...) with one of the
 * two policies. HSTS is left to the proxy that terminates TLS, if there is one: this server speaks
 * plain HTTP.
 */
function securityHeaders(directives: Directives) {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * For a file's landing page (/f/<sha256>): plain HTML with no script at all and one inline style
 * sheet, allowed by its hash; links lead to the peerdex: URI and the manifest, which CSP does not
 * govern (navigation), and nothing else loads.
 */
export function landingPageSecurityHeaders(styleHash: string) {
  return securityHeaders({
    defaultSrc: ["'none'"],
    styleSrc: [`'${styleHash}'`],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  });
}

/** For every response (app.factory.ts). */
export const apiSecurityHeaders = securityHeaders(API_POLICY);

/** For the pages, mounted on their paths after apiSecurityHeaders, whose policy it replaces. */
export const pageSecurityHeaders = securityHeaders(PAGE_POLICY);
