// Browser half of `make bench`: headless Debian Chromium via playwright-core (the e2e harness's
// launcher and flags), against a running proxy that serves dist/.
//
//   node scripts/bench/browser.mjs list   --url http://127.0.0.1:PORT/ [--runs 5]
//   node scripts/bench/browser.mjs filter --url http://127.0.0.1:PORT/ [--expect 2000]
//
// list:   one warm-up load, then --runs loads, each in a fresh browser context (empty HTTP
//         cache, so the bundle is fetched and compiled every time). Reads the page's own marks
//         `undelete:first-row` and `undelete:list-complete` (startTime = ms since navigation
//         start; the app sets them once the frame that draws those rows has been painted), and the CPU time all Chromium processes used during the load. For the first
//         row's time: the `undelete:app-mounted` mark and when the first ListSecrets answer was
//         in (resource timing).
// filter: waits for the complete list, then types into #search one key at a time and measures,
//         per keystroke, from the keydown event time to two paints:
//         - the next paint, as INP measures it: the Event Timing API's duration of the key's
//           keydown and input events (8 ms steps; under 16 ms no entry is made, counted as 16).
//           The app applies the query in the next frame and draws the top of the table in it
//           (src/model/search_steps.rs), so this is when the rows on screen are right. The
//           benchmark's keyup follows at once, unlike a typist's, so its entry is left out;
//         - the first frame painted after the DOM stopped changing (every row, below the screen
//           too): MutationObserver + requestAnimationFrame + a macrotask, i.e. after paint.
// Prints one JSON object on stdout.

import { readdirSync, readFileSync } from 'node:fs';
import { launchBrowser } from '../../e2e/harness.mjs';

const [mode, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const url = opt.url;
if (!url || !['list', 'filter'].includes(mode)) {
  console.error('usage: browser.mjs list|filter --url URL [--runs N] [--expect N]');
  process.exit(2);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round = (x) => Math.round(x * 10) / 10;

// CPU time (ms) used so far by every Chromium process on the machine (Linux /proc; the benchmark's
// browser is the only one running). Its difference over a load is what the load cost the CPU,
// which on a 2-core machine moto competes for: a steadier figure than wall time.
function chromiumCpuMs() {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!/chrom/.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch { /* the process ended meanwhile */ }
  }
  return ticks * (1000 / 100); // USER_HZ is 100 on Linux
}

async function loadOnce(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cpuStart = chromiumCpuMs();
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('undelete:list-complete').length > 0,
    null, { timeout: 180_000, polling: 50 });
  const cpuMs = chromiumCpuMs() - cpuStart;
  const marks = await page.evaluate(() => ({
    first: performance.getEntriesByName('undelete:first-row')[0]?.startTime ?? null,
    // Where the first row's time goes: the app ready (the plain page has no app), and the first
    // ListSecrets answer in (resource timing; index.html requests it before the app loads).
    mounted: performance.getEntriesByName('undelete:app-mounted')[0]?.startTime ?? null,
    firstAnswer: performance.getEntriesByType('resource')
      .find((e) => e.name.endsWith('/api/secretsmanager'))?.responseEnd ?? null,
    complete: performance.getEntriesByName('undelete:list-complete')[0].startTime,
    shown: document.getElementById('match-count')?.textContent ?? '',
  }));
  marks.cpu = cpuMs;
  return { context, page, marks, errors };
}

const browser = await launchBrowser();
try {
  if (mode === 'list') {
    const runs = Number(opt.runs || 5);
    const first = [], complete = [], cpu = [], mounted = [], firstAnswer = [];
    let shown = '';
    for (let i = 0; i <= runs; i++) {
      const { context, marks, errors } = await loadOnce(browser);
      await context.close();
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      if (i === 0) continue; // warm-up (Chromium's own first-start costs)
      first.push(marks.first); complete.push(marks.complete); cpu.push(marks.cpu); shown = marks.shown;
      mounted.push(marks.mounted); firstAnswer.push(marks.firstAnswer);
    }
    console.log(JSON.stringify({
      first_row_ms: first.map(round), complete_ms: complete.map(round), chromium_cpu_ms: cpu,
      first_row_ms_median: round(median(first)), complete_ms_median: round(median(complete)),
      chromium_cpu_ms_median: median(cpu), shown,
      app_mounted_ms: mounted.map((x) => (x === null ? null : round(x))),
      app_mounted_ms_median: mounted.includes(null) ? null : round(median(mounted)),
      first_answer_ms: firstAnswer.map((x) => (x === null ? null : round(x))),
      first_answer_ms_median: firstAnswer.includes(null) ? null : round(median(firstAnswer)),
    }));
  } else {
    const { context, page, marks } = await loadOnce(browser);
    const search = page.locator('#search');
    await search.focus();
    await page.evaluate(() => {
      const bench = window.__bench = { start: 0, last: 0, paint: 16 };
      // The time after the next paint (a frame, then a macrotask once it is drawn).
      const afterPaint = () => requestAnimationFrame(() => setTimeout(() => { bench.last = performance.now(); }, 0));
      // A keystroke that changes nothing on screen still costs at least the next frame.
      window.addEventListener('keydown', (e) => { bench.start = e.timeStamp; bench.last = 0; bench.paint = 16; afterPaint(); }, true);
      new MutationObserver(afterPaint).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if ((e.name === 'keydown' || e.name === 'input') && e.startTime >= bench.start - 1) {
            bench.paint = Math.max(bench.paint, e.duration);
          }
        }
      }).observe({ type: 'event', durationThreshold: 16 });
    });
    const keys = [...'billing', ...Array(7).fill('Backspace')];
    const samples = [];
    for (const key of keys) {
      await page.keyboard.press(key);
      // Settle: wait until nothing has painted for 300 ms.
      let prev = -1;
      for (;;) {
        await page.waitForTimeout(300);
        const last = await page.evaluate(() => window.__bench.last);
        if (last === prev) break;
        prev = last;
      }
      const { start, last, paint } = await page.evaluate(() => window.__bench);
      const shown = await page.locator('#match-count').textContent();
      // `ms`: every row right; `first_ms`: the next paint (Event Timing).
      samples.push({ key, ms: round(last - start), first_ms: paint, shown });
    }
    await context.close();
    const ms = samples.map((s) => s.ms);
    const firstMs = samples.map((s) => s.first_ms);
    // Keystrokes that changed which rows are shown (the table re-renders).
    const changed = samples.filter((s, i) => s.shown !== (i ? samples[i - 1].shown : marks.shown));
    console.log(JSON.stringify({
      rows: marks.shown, keystrokes: samples, median_ms: round(median(ms)), max_ms: round(Math.max(...ms)),
      changed_count: changed.length, changed_median_ms: changed.length ? round(median(changed.map((s) => s.ms))) : null,
      worst: samples.reduce((a, b) => (b.ms > a.ms ? b : a)),
      first_median_ms: round(median(firstMs)), first_max_ms: round(Math.max(...firstMs)),
      first_changed_median_ms: changed.length ? round(median(changed.map((s) => s.first_ms))) : null,
      first_worst: samples.reduce((a, b) => (b.first_ms > a.first_ms ? b : a)),
    }));
  }
} finally {
  await browser.close();
}
