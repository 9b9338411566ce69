// The dialog server's dashboard page: live panels fed by ws /dashboard and a virtual-scrolling
// list of one dialog's messages. Plain JavaScript, no framework and no build step.
//
// Drawing happens only in requestAnimationFrame callbacks: socket frames and scroll events just
// record what changed, and one callback a display frame draws the newest of it (however many
// frames arrived since the last draw, the panels are drawn once).
'use strict';

/** Pixel height of one message row; must match .row in dashboard.css. */
const ROW_HEIGHT = 28;
/** Rows kept in the DOM above and below the visible ones, so a fast scroll shows no gaps. */
const OVERSCAN = 8;
/** Messages asked for per keyset page. */
const PAGE_SIZE = 200;
/** An older page is fetched once the window comes this close (in rows) to the top. */
const LOAD_AHEAD = PAGE_SIZE / 2;
/** Reconnect delays: first, doubled after each failed try, at most. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

const $ = (id) => document.getElementById(id);

// Everything the page knows; exposed as window.dashboard for the browser test and the console.
const state = {
  overscan: OVERSCAN,
  rowHeight: ROW_HEIGHT,
  socket: null,
  opens: 0,
  lastClose: null,
  retryMs: RETRY_FIRST_MS,
  framesReceived: 0,
  latestFrame: null, // the newest frame's text; older undrawn ones are simply replaced
  drawnFrames: 0, // framesReceived when the panels were last drawn
  panelUpdates: 0,
  animationFrames: 0,
  domain: 'all',
  dialogId: null,
  messages: [], // the loaded part of the dialog, oldest first
  next: null, // cursor of the page before messages[0]; null when the start is reached
  loading: false,
  pagesLoaded: 0,
  drawn: null, // the list as last drawn: { count, scrollTop, from, to }
};
window.dashboard = state;

// ---- drawing, once per animation frame ---------------------------------------------------

let drawPending = false;
let listDirty = false;

function requestDraw() {
  if (!drawPending) {
    drawPending = true;
    requestAnimationFrame(draw);
  }
}

function draw() {
  drawPending = false;
  state.animationFrames++;
  if (state.drawnFrames !== state.framesReceived) {
    drawPanels(state.latestFrame);
    state.drawnFrames = state.framesReceived;
    state.panelUpdates++;
  }
  if (listDirty) {
    listDirty = false;
    drawList();
  }
}

let rateWindowStart = performance.now();
let rateWindowUpdates = 0;

function drawPanels(text) {
  const frame = JSON.parse(text);
  $('eventsPerSecond').textContent = frame.eventsPerSecond.toFixed(1);
  $('events').textContent = frame.events.toLocaleString('en');
  $('activeDialogs').textContent = frame.activeDialogs;
  $('activeStreams').textContent = frame.activeStreams;
  const l = frame.latencyMs;
  $('latency').textContent = `${l.p50} / ${l.p95} / ${l.p99}`;
  if (frame.domains) {
    addDomains(Object.keys(frame.domains));
  }
  const now = performance.now();
  rateWindowUpdates++;
  if (now - rateWindowStart >= 1000) {
    $('panelRate').textContent = Math.round((rateWindowUpdates * 1000) / (now - rateWindowStart));
    rateWindowStart = now;
    rateWindowUpdates = 0;
  }
}

function addDomains(names) {
  const select = $('domain');
  for (const name of names) {
    if (![...select.options].some((o) => o.value === name)) {
      select.add(new Option(name, name));
    }
  }
}

// ---- the live socket, reconnecting with backoff ------------------------------------------

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/dashboard`);
  state.socket = socket;
  socket.onopen = () => {
    state.opens++;
    subscribe();
    setStatus('connection', 'live', 'live');
  };
  socket.onmessage = (event) => {
    // A frame came: the connection works, so the next loss starts with a short delay again.
    state.retryMs = RETRY_FIRST_MS;
    state.framesReceived++;
    state.latestFrame = event.data;
    requestDraw();
  };
  socket.onclose = (event) => {
    state.lastClose = { code: event.code, reason: event.reason };
    if (state.socket !== socket) {
      return;
    }
    const delay = state.retryMs;
    state.retryMs = Math.min(state.retryMs * 2, RETRY_MAX_MS);
    const why = event.reason ? `${event.code} ${event.reason}` : `${event.code}`;
    setStatus('connection', `closed (${why}), reconnecting in ${delay} ms`, 'error');
    // Jitter, so many pages that lost one server do not all come back at the same instant.
    setTimeout(connect, delay * (0.8 + Math.random() * 0.4));
  };
}

function subscribe() {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify({ type: 'subscribe', domain: state.domain }));
  }
}

$('domain').addEventListener('change', (event) => {
  state.domain = event.target.value;
  subscribe(); // the server switches this socket to the new topic
});

function setStatus(id, text, kind) {
  const element = $(id);
  element.textContent = text;
  element.className = `status ${kind || ''}`;
}

// ---- the dialog's messages: a virtual window over pages read by keyset --------------------

/**
 * The rows to keep in the DOM: those intersecting [scrollTop, scrollTop + viewportHeight), plus
 * overscan on each side, clipped to the list. The same arithmetic as the SDK's
 * dev.alchemist.core.flow.VirtualWindow.visibleRange (here with one fixed row height): an offset
 * past the end counts as scrolled to the bottom, and the row at the top is always included.
 */
function visibleRange(count, rowHeight, viewportHeight, scrollTop, overscan) {
  if (count === 0) {
    return { from: 0, to: 0 };
  }
  const total = count * rowHeight;
  const top = Math.min(scrollTop, Math.max(0, total - viewportHeight));
  const first = Math.min(count - 1, Math.floor(top / rowHeight));
  let end = viewportHeight >= total - top ? count : Math.ceil((top + viewportHeight) / rowHeight);
  end = Math.max(end, first + 1);
  return { from: Math.max(0, first - overscan), to: Math.min(count, end + overscan) };
}

const viewport = $('messages');
const spacer = $('spacer');

function drawList() {
  const count = state.messages.length;
  spacer.style.height = `${count * ROW_HEIGHT}px`;
  const scrollTop = viewport.scrollTop;
  const range = visibleRange(count, ROW_HEIGHT, viewport.clientHeight, scrollTop, OVERSCAN);
  state.drawn = { count, scrollTop, from: range.from, to: range.to };
  // Reuse the row elements: add or drop only the difference, then refill them.
  while (spacer.childElementCount > range.to - range.from) {
    spacer.lastElementChild.remove();
  }
  while (spacer.childElementCount < range.to - range.from) {
    const row = document.createElement('div');
    row.append(document.createElement('span'), document.createElement('span'));
    row.firstChild.className = 'role';
    spacer.append(row);
  }
  let row = spacer.firstElementChild;
  for (let i = range.from; i < range.to; i++, row = row.nextElementSibling) {
    const message = state.messages[i];
    row.className = `row ${message.role.toLowerCase()}`;
    row.style.top = `${i * ROW_HEIGHT}px`;
    row.dataset.index = i;
    row.firstChild.textContent = message.role.toLowerCase();
    row.lastChild.textContent = message.content; // text only: user content is never markup
  }
  if (range.from < LOAD_AHEAD && state.next && !state.loading) {
    loadOlder();
  }
}

viewport.addEventListener('scroll', () => {
  listDirty = true;
  requestDraw();
}, { passive: true });
window.addEventListener('resize', () => {
  listDirty = true;
  requestDraw();
});

async function fetchPage(dialogId, before) {
  const query = new URLSearchParams({ limit: PAGE_SIZE });
  if (before) {
    query.set('before', before);
  }
  const response = await fetch(`/api/dialogs/${encodeURIComponent(dialogId)}/messages?${query}`, {
    headers: { Authorization: `Bearer ${$('token').value}` },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(`${response.status} ${body.error || response.statusText}`);
  }
  state.pagesLoaded++;
  return body;
}

async function openDialog(dialogId) {
  state.dialogId = dialogId;
  state.messages = [];
  state.next = null;
  state.loading = true;
  setStatus('dialog-status', 'loading');
  try {
    const page = await fetchPage(dialogId, null);
    if (state.dialogId !== dialogId) {
      return;
    }
    state.messages = page.messages;
    state.next = page.next;
    setStatus('dialog-status', '', '');
    sizeSpacer();
    viewport.scrollTop = viewport.scrollHeight; // newest at the bottom, as in a chat
  } catch (e) {
    setStatus('dialog-status', `cannot open: ${e.message}`, 'error');
  } finally {
    state.loading = false;
  }
  listDirty = true;
  requestDraw();
}

/** Prepends the page before messages[0], keeping the rows in view where they are on screen. */
async function loadOlder() {
  const dialogId = state.dialogId;
  state.loading = true;
  try {
    const page = await fetchPage(dialogId, state.next);
    if (state.dialogId !== dialogId) {
      return;
    }
    const scrollTop = viewport.scrollTop;
    state.messages = page.messages.concat(state.messages);
    state.next = page.next;
    sizeSpacer();
    viewport.scrollTop = scrollTop + page.messages.length * ROW_HEIGHT;
  } catch (e) {
    setStatus('dialog-status', `older messages: ${e.message}`, 'error');
  } finally {
    state.loading = false;
  }
  listDirty = true;
  requestDraw();
}

/** Sizes the spacer at once, so a scrollTop set right after is not clamped to the old height. */
function sizeSpacer() {
  spacer.style.height = `${state.messages.length * ROW_HEIGHT}px`;
}

$('open-dialog').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = $('dialog-id').value.trim();
  if (id) {
    openDialog(id);
  }
});

// ---- start -------------------------------------------------------------------------------

const requested = new URLSearchParams(location.search).get('dialog');
if (requested) {
  $('dialog-id').value = requested;
  openDialog(requested);
}
connect();
