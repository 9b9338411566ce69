// The dashboard page in a real browser: Debian's chromium, headless, driven by playwright-core.
// Starts the server jar on a free port, seeds a 100,000-message dialog, and checks the virtual
// list (only visible rows plus overscan in the DOM, older pages read by keyset while scrolling
// up), the panels' rate (>= 55 updates/s, drawn on requestAnimationFrame), and that the socket
// resumes after a close by the page, a close by the server and a server restart. Screenshots and
// the server's log go to BROWSER_OUT (target/browser). Exit code 1 when a check fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startServer, waitHealthy } from './server.mjs';

const moduleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const JAR = process.env.DIALOG_SERVER_JAR || path.join(moduleDir, 'target/examples-dialog-server.jar');
const OUT = process.env.BROWSER_OUT || path.join(moduleDir, 'target/browser');
const JAVA = process.env.JAVA_BIN || 'java';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOKEN = 'browser-test-token';
const MESSAGES = 100_000;
const MIN_PANEL_FPS = 55;
/** Rows the page may keep above and below the visible ones (OVERSCAN in dashboard.js). */
const OVERSCAN = 8;
const MEASURE_MS = 4000;
const PANEL_WINDOWS = 5;
const OLDER_PAGES = 12;
const START_TIMEOUT_MS = 180_000;

const failures = [];
const figures = {};

function check(ok, what, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${detail === undefined ? '' : `: ${detail}`}`);
  if (!ok) {
    failures.push(what);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function post(base, pathname, body) {
  const response = await fetch(base + pathname, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`POST ${pathname}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

/** Posts messages to a dialog of its own until stopped, so the panels show changing numbers. */
function backgroundTraffic(base, dialogId) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await post(base, `/api/dialogs/${dialogId}/messages`, { content: 'traffic' }).catch(() => {});
      await sleep(50);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** The page's counters now. */
const counters = (page) =>
  page.evaluate(() => ({
    at: performance.now(),
    panelUpdates: window.dashboard.panelUpdates,
    framesReceived: window.dashboard.framesReceived,
    animationFrames: window.dashboard.animationFrames,
    opens: window.dashboard.opens,
  }));

/** Panel updates, socket frames and animation frames per second over ms milliseconds. */
async function measureRates(page, ms) {
  const a = await counters(page);
  await page.waitForTimeout(ms);
  const b = await counters(page);
  const seconds = (b.at - a.at) / 1000;
  const rate = (key) => Math.round(((b[key] - a[key]) / seconds) * 10) / 10;
  return { panelFps: rate('panelUpdates'), framesPerSecond: rate('framesReceived'), drawsPerSecond: rate('animationFrames') };
}

/** How many animation frames the browser runs a second when asked for every one (for the log). */
const animationFrameRate = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve) => {
        const start = performance.now();
        let frames = 0;
        const tick = (now) => {
          frames++;
          if (now - start < 1000) {
            requestAnimationFrame(tick);
          } else {
            resolve(Math.round((frames * 10000) / (now - start)) / 10);
          }
        };
        requestAnimationFrame(tick);
      }),
  );

/**
 * The message rows in the DOM against the window's bound, and each row's text against the
 * message it must show. Judged against the list as the page last drew it (a page of messages
 * that has just arrived is drawn in the next animation frame): with `count` messages read from
 * the end, row i shows message MESSAGES - count + i + 1. `current` tells whether that draw is of
 * the list and scroll position as they are now.
 */
const inspectList = (page) =>
  page.evaluate(({ total, overscan }) => {
    const viewport = document.getElementById('messages');
    const rows = [...viewport.querySelectorAll('.row')];
    const { messages, drawn } = window.dashboard;
    // Measured, not taken from the page: a page that draws more rows than it should must fail.
    const rowHeight = rows.length ? rows[0].getBoundingClientRect().height : 1;
    const visible = Math.ceil(viewport.clientHeight / rowHeight) + 1;
    const wrong = rows.filter((row) => {
      const expected = total - drawn.count + Number(row.dataset.index) + 1;
      return !row.textContent.endsWith(`message ${expected} of ${total}`);
    }).length;
    const top = Math.floor(drawn.scrollTop / rowHeight);
    const last = Math.min(drawn.count - 1, top + visible - 2);
    const indexes = rows.map((row) => Number(row.dataset.index));
    return {
      rows: rows.length,
      bound: visible + 2 * overscan,
      visible,
      loaded: messages.length,
      wrong,
      coversViewport: indexes.includes(top) && indexes.includes(last),
      current: drawn.count === messages.length && drawn.scrollTop === viewport.scrollTop,
    };
  }, { total: MESSAGES, overscan: OVERSCAN });

async function main() {
  mkdirSync(OUT, { recursive: true });
  const logFile = path.join(OUT, 'server.log');
  const port = await freePort();
  const serverArgs = [
    `--dialog-server.demo-token=${TOKEN}`,
    '--dialog-server.dev.seed-enabled=true',
    // A tick shorter than the debouncer's 16 ms: the server sends its full 60 frames a second.
    '--dialog-server.dashboard.tick=5ms',
  ];
  let server = startServer({ java: JAVA, jar: JAR, port, args: serverArgs, logFile });
  let browser;
  let stopTraffic = async () => {};
  try {
    let started = Date.now();
    await waitHealthy(server, START_TIMEOUT_MS);
    figures.serverStartMs = Date.now() - started;

    started = Date.now();
    const seeded = await post(server.base, '/api/dev/seed', { messages: MESSAGES, title: 'long' });
    figures.seedMs = Date.now() - started;
    check(seeded.messages === MESSAGES, 'seeded dialog holds 100,000 messages', seeded.messages);
    const traffic = await post(server.base, '/api/dialogs', { title: 'traffic' });
    stopTraffic = backgroundTraffic(server.base, traffic.id);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const keysetRequests = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.endsWith('/messages') && url.searchParams.has('before')) {
        keysetRequests.push({ before: url.searchParams.get('before'), status: response.status() });
      }
    });

    await page.goto(`${server.base}/`);
    await page.fill('#token', TOKEN);
    await page.fill('#dialog-id', seeded.id);
    await page.click('#open-dialog button');
    await page.waitForFunction(() => window.dashboard.framesReceived > 30 && document.querySelectorAll('#messages .row').length > 0, null, { timeout: 30_000 });
    await page.waitForTimeout(500);

    let list = await inspectList(page);
    check(list.rows <= list.bound && list.rows >= list.visible - 1, 'DOM holds only visible rows plus overscan (newest page)', JSON.stringify(list));
    check(list.wrong === 0 && list.coversViewport && list.current, 'rows show the right messages at the bottom', `${list.wrong} wrong`);
    const newest = await page.locator('#messages .row').last().textContent();
    check(newest.endsWith(`message ${MESSAGES} of ${MESSAGES}`), 'the newest message is the last row', newest);

    // Up to PANEL_WINDOWS windows of 4 s, after 2 s for the fresh server to warm up: on a machine
    // shared with other builds one window can be starved, so the rate must be reached in one of
    // them (a page that never does still fails).
    await page.waitForTimeout(2000);
    figures.animationFramesPerSecond = await animationFrameRate(page);
    figures.panels = [];
    let rates;
    for (let attempt = 0; attempt < PANEL_WINDOWS; attempt++) {
      rates = await measureRates(page, MEASURE_MS);
      figures.panels.push(rates);
      if (rates.panelFps >= MIN_PANEL_FPS) {
        break;
      }
    }
    check(rates.panelFps >= MIN_PANEL_FPS, `panels update at >= ${MIN_PANEL_FPS} frames/s`, JSON.stringify(figures.panels));
    check(figures.panels.every((r) => r.panelFps <= r.drawsPerSecond + 1), 'panel updates happen only in animation frames', JSON.stringify(figures.panels));
    await page.screenshot({ path: path.join(OUT, 'dashboard.png') });

    // Scroll up with the mouse wheel: each time the window nears the top an older page comes.
    const box = await page.locator('#messages').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    let maxRows = 0;
    let wrongRows = 0;
    for (let i = 0; i < OLDER_PAGES * 10 && keysetRequests.length < OLDER_PAGES; i++) {
      await page.mouse.wheel(0, -2500);
      await page.waitForTimeout(120);
      list = await inspectList(page);
      maxRows = Math.max(maxRows, list.rows);
      wrongRows += list.wrong + (list.coversViewport ? 0 : 1);
    }
    await page.waitForFunction(() => !window.dashboard.loading, null, { timeout: 10_000 });
    await page.waitForTimeout(200);
    list = await inspectList(page);
    const pagesAfter = await page.evaluate(() => window.dashboard.pagesLoaded);
    figures.scroll = { keysetRequests: keysetRequests.length, loaded: list.loaded, maxRows, bound: list.bound };
    check(keysetRequests.length >= OLDER_PAGES, `scrolling up read >= ${OLDER_PAGES} older pages by keyset`, keysetRequests.length);
    check(keysetRequests.every((r) => r.status === 200), 'every keyset page answered 200', JSON.stringify(keysetRequests.filter((r) => r.status !== 200)));
    check(new Set(keysetRequests.map((r) => r.before)).size === keysetRequests.length, 'each keyset page starts at a new cursor');
    check(list.loaded === pagesAfter * 200, 'the pages read are all in the list', `${list.loaded} loaded, ${pagesAfter} pages`);
    check(maxRows <= list.bound, `while scrolling the DOM never held more than ${list.bound} rows`, maxRows);
    check(wrongRows === 0 && list.wrong === 0 && list.coversViewport && list.current, 'while scrolling every row showed its own message', `${wrongRows} wrong, ${JSON.stringify(list)}`);
    await page.evaluate(() => {
      const viewport = document.getElementById('messages');
      viewport.scrollTop = viewport.scrollHeight / 2; // a jump into the middle of what is loaded
    });
    await page.waitForTimeout(200);
    list = await inspectList(page);
    check(list.rows <= list.bound && list.wrong === 0 && list.coversViewport && list.current, 'after a jump the window shows the rows in view', JSON.stringify(list));
    await page.screenshot({ path: path.join(OUT, 'messages-scrolled.png') });

    // A domain's topic, then the socket closed by the page: it reopens and resubscribes.
    await page.waitForFunction(() => [...document.querySelectorAll('#domain option')].some((o) => o.value === 'dialog'));
    await page.selectOption('#domain', 'dialog');
    const onDomain = () => JSON.parse(window.dashboard.latestFrame).domain === 'dialog';
    await page.waitForFunction(onDomain, null, { timeout: 10_000 });
    await expectResume(page, 'closed by the page', () => page.evaluate(() => window.dashboard.socket.close()));
    check(await page.evaluate(onDomain), 'after reconnecting the page is subscribed to its domain again');

    // A close by the server: a message that is not the protocol gets 1008 and a reason.
    await expectResume(page, 'closed by the server', () => page.evaluate(() => window.dashboard.socket.send('not the protocol')));
    const serverClose = await page.evaluate(() => window.dashboard.lastClose);
    check(serverClose.code === 1008 && serverClose.reason.length > 0, 'the server closed with 1008 and a reason', JSON.stringify(serverClose));

    // A server restart on the same port: the page retries with backoff until it is back. Topic
    // "all" again: the new server has no "dialog" topic until a dialog event happens.
    await stopTraffic();
    await page.selectOption('#domain', 'all');
    await expectResume(page, 'server restarted', async () => {
      await server.stop();
      await page.waitForFunction(() => /reconnecting/.test(document.getElementById('connection').textContent), null, { timeout: 10_000 });
      await page.waitForTimeout(2000);
      figures.retryMsWhileDown = await page.evaluate(() => window.dashboard.retryMs);
      server = startServer({ java: JAVA, jar: JAR, port, args: serverArgs, logFile });
      await waitHealthy(server, START_TIMEOUT_MS);
    });
    check(figures.retryMsWhileDown > 250, 'the page backed off while the server was down', `${figures.retryMsWhileDown} ms`);
    await page.screenshot({ path: path.join(OUT, 'reconnected.png') });
    check(pageErrors.length === 0, 'no errors in the page', pageErrors.join('; '));
  } finally {
    await stopTraffic();
    await browser?.close();
    await server.stop();
  }
}

/** Runs cause (which ends the socket) and checks that a new socket opens and frames flow again. */
async function expectResume(page, what, cause) {
  const before = await counters(page);
  await cause();
  try {
    await page.waitForFunction((b) => window.dashboard.opens > b.opens, before, { timeout: 30_000 });
    const reopened = await counters(page);
    await page.waitForFunction((r) => window.dashboard.framesReceived > r.framesReceived + 30, reopened, {
      timeout: 10_000,
    });
    const rates = await measureRates(page, 1000);
    figures[`after ${what}`] = rates;
    check(rates.framesPerSecond > 0 && rates.panelFps > 0, `socket ${what}: reopened and frames resumed`, JSON.stringify(rates));
  } catch (e) {
    check(false, `socket ${what}: reopened and frames resumed`, e.message);
  }
}

const guard = setTimeout(() => {
  console.error('FAIL the browser test did not finish within 8 minutes');
  process.exit(1);
}, 8 * 60_000);
main()
  .catch((e) => {
    check(false, 'the browser test ran to its end', e.stack || String(e));
  })
  .finally(() => {
    clearTimeout(guard);
    writeFileSync(path.join(OUT, 'result.json'), JSON.stringify({ failures, figures }, null, 2));
    console.log(`figures: ${JSON.stringify(figures)}`);
    console.log(failures.length === 0 ? 'browser test: all checks passed' : `browser test: ${failures.length} check(s) failed: ${failures.join('; ')}`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  });
