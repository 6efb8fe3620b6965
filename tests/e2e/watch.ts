import type { ConsoleMessage, Frame, Page, Request, Response } from '@playwright/test';

/**
 * Records what goes wrong on a page: console errors, uncaught exceptions, failed requests
 * (a COEP block shows up as net::ERR_BLOCKED_BY_RESPONSE) and HTTP errors, plus every main-frame
 * navigation (to count reloads). `allowStatus` lists paths whose HTTP error is expected.
 * Requests the browser cancels itself (net::ERR_ABORTED, e.g. when a reload interrupts them)
 * are not problems.
 */
export function watch(page: Page, { allowStatus = [] as string[] } = {}) {
  const problems: string[] = [];
  const navigations: string[] = [];
  const expected = (url: string) => {
    try {
      return allowStatus.includes(new URL(url).pathname);
    } catch {
      return false;
    }
  };
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    // The browser's own line for an HTTP error that the test expects (e.g. the 404 page).
    if (message.text().startsWith('Failed to load resource') && expected(url)) return;
    problems.push(`console error: ${message.text()} (${url})`);
  };
  const onPageError = (error: Error) => problems.push(`page error: ${error.message}`);
  const onRequestFailed = (request: Request) => {
    const reason = request.failure()?.errorText ?? '';
    if (reason === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.url()} ${reason}`);
  };
  const onResponse = (response: Response) => {
    if (response.status() >= 400 && !expected(response.url())) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  };
  const onNavigated = (frame: Frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('requestfailed', onRequestFailed);
  page.on('response', onResponse);
  page.on('framenavigated', onNavigated);
  const stop = () => {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('requestfailed', onRequestFailed);
    page.off('response', onResponse);
    page.off('framenavigated', onNavigated);
  };
  return { problems, navigations, stop };
}
