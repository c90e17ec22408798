// Browser half of `make bench`: headless Debian Chromium via playwright-core (the e2e harness's
// launcher and flags), against running proxies that each serve one page (a dist/ dir).
//
//   node scripts/bench/browser.mjs list   --page NAME=URL [--page NAME=URL ...] [--runs 5]
//   node scripts/bench/browser.mjs filter --page NAME=URL [--page ...] [--rounds 1]
//   node scripts/bench/browser.mjs sort   --page NAME=URL [--page ...] [--rounds 1]
//   node scripts/bench/browser.mjs bulk   --page NAME=URL --plain NAME=URL --reset URL --count 200 [--runs 5]
//
// Several pages are measured in the same run, turn about (round i loads them in an order rotated
// by i), so that they share the machine's noisy moments alike.
//
// list:   one warm-up load of each page, then --runs loads of each, each in a fresh browser
//         context (empty HTTP cache, so the bundle is fetched and compiled every time). Reads the
//         page's own marks `undelete:first-row` and `undelete:list-complete` (startTime = ms since
//         navigation start; the pages set them once the frame that draws those rows has been
//         painted), and the CPU time all Chromium processes used during the load. For the first
//         row's time: the `undelete:app-mounted` mark (the dashboard's) and when the first
//         ListSecrets answer was in (resource timing). Where the list's time goes, from the
//         resource timing of every `/api/secretsmanager…` call (`requests`, see requestStats).
// filter: per round and page, one load, wait for the complete list, then type into #search one
//         key at a time and measure, per keystroke, from the keydown event time to two paints:
//         - the next paint, as INP measures it: the Event Timing API's duration of the key's
//           keydown and input events (8 ms steps; under 16 ms no entry is made, counted as 16).
//           The benchmark's keyup follows at once, unlike a typist's, so its entry is left out;
//         - the first frame painted after the DOM stopped changing (every row, below the screen
//           too): MutationObserver + requestAnimationFrame + a macrotask, i.e. after paint.
// sort:   the same for clicks on the table's sort buttons (accessible names as in
//         e2e/listing.test.mjs): from the click event time to the next paint (Event Timing's
//         `click` entry) and to the first paint after the DOM settled.
// bulk:   one warm-up load of each page, then --runs loads of each, turn about, each in a fresh
//         context; before every load, POST --reset (scripts/bench/moto_bulk.py's control port:
//         every seeded secret scheduled for deletion again; its answer says how many the load
//         before restored, which must be --count). Waits for `undelete:list-complete`, then for a
//         --page (the dashboard): clicks the header checkbox "Select all shown", the button
//         "Cancel deletion for N selected", and "Confirm restore of N" in the alertdialog; for a
//         --plain page (the floor): clicks its one button "Confirm restore of N". Measures from
//         the Confirm click (performance.now() in a capturing click listener, before the page's
//         own handler) to the marks `undelete:bulk-first-gone` (the first row has left the
//         table, after paint; the floor: its first answer read) and `undelete:bulk-complete`
//         (the run ended, after paint; the floor: its last answer read), and the CPU time of
//         every Chromium process over that span.
// Prints one JSON object on stdout: { pages: { NAME: {...} } }.

import { readdirSync, readFileSync } from 'node:fs';
import { launchBrowser, table } from '../../e2e/harness.mjs';

const USAGE = 'usage: browser.mjs list|filter|sort --page NAME=URL [--page NAME=URL ...] [--runs N] [--rounds N]\n'
  + '       browser.mjs bulk --page NAME=URL --plain NAME=URL --reset URL --count N [--runs N]';
const [mode, ...rest] = process.argv.slice(2);
const opt = { page: [] };
for (let i = 0; i < rest.length; i += 2) {
  const key = rest[i].replace(/^--/, '');
  if (key === 'page' || key === 'plain') opt.page.push([rest[i + 1], key === 'plain']);
  else opt[key] = rest[i + 1];
}
const pages = opt.page.map(([p, plain]) => {
  const at = p.indexOf('=');
  if (at < 1) { console.error(`--page ${p}: expected NAME=URL\n${USAGE}`); process.exit(2); }
  return { name: p.slice(0, at), url: p.slice(at + 1), plain };
});
if (!pages.length || !['list', 'filter', 'sort', 'bulk'].includes(mode) || (mode === 'bulk' && !(opt.reset && opt.count))) {
  console.error(USAGE);
  process.exit(2);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
const medianOrNull = (xs) => (xs.includes(null) ? null : round(median(xs)));
// Round i: every page once, in an order rotated by i.
const rotated = (i) => pages.map((_, k) => pages[(k + i) % pages.length]);

// CPU time (ms) used so far by each Chromium process on the machine (Linux /proc; the benchmark's
// browser is the only one running), by pid. Over a load, what the load cost the CPU, which on a
// 2-core machine moto competes for: a steadier figure than wall time.
function chromiumCpuTicks() {
  const ticks = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!/chrom/.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime + stime
    } catch { /* the process ended meanwhile */ }
  }
  return ticks;
}

// The CPU time (ms) Chromium's processes used since `start` (chromiumCpuTicks()): those still
// running, from 0 for those started since. A process that ended meanwhile (the renderer of the
// context closed before) is left out rather than subtracted.
function chromiumCpuMsSince(start) {
  let ticks = 0;
  for (const [pid, now] of chromiumCpuTicks()) ticks += now - (start.get(pid) ?? 0);
  return ticks * (1000 / 100); // USER_HZ is 100 on Linux
}

// Where a load's listing time goes, from the resource timing of its ListSecrets calls (`calls`:
// {path, start: fetch() called, end: last byte in}, ms since navigation start) and its marks:
// when /api/config was in, the first call out, the last answer in, and the mark after it;
// how many calls were in flight on average between the first call and the last answer; each
// call's duration; per target (path), the gap between a page's answer and the next page's call
// (the client's turnaround) and the whole target's time; and the slot hand-over: a target that
// waited for one of the 6 slots, from the moment the slot was freed (the (k-6)-th target's last
// answer) to its first call.
const IN_FLIGHT = 6;
function requestStats(calls, configEnd, complete) {
  if (!calls.length) return null;
  const byTarget = new Map();
  for (const c of calls) (byTarget.get(c.path) ?? byTarget.set(c.path, []).get(c.path)).push(c);
  const gaps = [], targetMs = [], spans = [];
  for (const cs of byTarget.values()) {
    cs.sort((a, b) => a.start - b.start);
    for (let i = 1; i < cs.length; i++) gaps.push(cs[i].start - cs[i - 1].end);
    spans.push({ start: cs[0].start, end: Math.max(...cs.map((c) => c.end)) });
    targetMs.push(spans.at(-1).end - cs[0].start);
  }
  spans.sort((a, b) => a.start - b.start);
  const ends = spans.map((t) => t.end).sort((a, b) => a - b);
  const handover = spans.slice(IN_FLIGHT).map((t, k) => t.start - ends[k]);
  const first = Math.min(...calls.map((c) => c.start));
  const last = Math.max(...calls.map((c) => c.end));
  const busy = calls.reduce((sum, c) => sum + (c.end - c.start), 0);
  return {
    calls: calls.length, targets: byTarget.size, config_in_ms: configEnd, first_call_ms: first,
    last_answer_ms: last, after_last_answer_ms: complete - last,
    mean_in_flight: busy / Math.max(1, last - first),
    call_ms_median: median(calls.map((c) => c.end - c.start)),
    call_ms_max: Math.max(...calls.map((c) => c.end - c.start)),
    page_gap_ms_median: gaps.length ? median(gaps) : null, page_gap_ms_max: gaps.length ? Math.max(...gaps) : null,
    target_ms_median: median(targetMs), target_ms_max: Math.max(...targetMs),
    handover_ms_median: handover.length ? median(handover) : null,
    handover_ms_max: handover.length ? Math.max(...handover) : null,
  };
}

// Where the main thread's time goes during a load (to the list-complete mark): the renderer's
// counters (CDP Performance.getMetrics, seconds of thread time: every task, and within them
// script, layout and style recalculation), the tasks over 50 ms (Long Tasks: count, sum, longest;
// Chromium leaves the rendering steps out of them), the frames over 50 ms (Long Animation
// Frames, which include rendering: the script and the style+layout+paint time in them, wall
// time), and for every ListSecrets answer whether it arrived while a long task ran, and how long
// it then waited for the task to end.
function mainThreadStats(metrics, long, calls, complete) {
  const ms = (k) => (metrics[k] ?? 0) * 1000;
  const tasks = long.tasks.filter((t) => t.start < complete);
  const frames = long.frames.filter((f) => f.start < complete);
  const waits = calls.map((c) => {
    const t = tasks.find((x) => x.start <= c.end && c.end < x.start + x.ms);
    return t ? t.start + t.ms - c.end : 0;
  });
  const landed = waits.filter((w) => w > 0);
  return {
    task_ms: ms('TaskDuration'), script_ms: ms('ScriptDuration'), layout_ms: ms('LayoutDuration'),
    style_ms: ms('RecalcStyleDuration'),
    long_tasks: tasks.length, long_task_ms: tasks.reduce((s, t) => s + t.ms, 0),
    long_task_max_ms: tasks.length ? Math.max(...tasks.map((t) => t.ms)) : 0,
    long_frames: frames.length, long_frame_script_ms: frames.reduce((s, f) => s + f.script, 0),
    long_frame_layout_ms: frames.reduce((s, f) => s + f.layout, 0),
    answers_in_long_task: landed.length,
    answer_wait_ms_median: landed.length ? median(landed) : 0,
  };
}

async function loadOnce(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Room for every call's resource timing entry (the default buffer holds 250).
  await context.addInitScript(() => {
    performance.setResourceTimingBufferSize(5000);
    // Where the main thread's time goes (mainThreadStats): every task over 50 ms, and every
    // frame over 50 ms with the scripts that ran in it (Long Animation Frames).
    window.__benchLong = { tasks: [], frames: [] };
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__benchLong.tasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask' });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        window.__benchLong.frames.push({
          start: e.startTime, ms: e.duration,
          // Script, then style and layout (renderStart -> end: rAF callbacks, style, layout, paint).
          script: e.scripts.reduce((sum, s) => sum + s.duration, 0),
          layout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
        });
      }
    }).observe({ type: 'long-animation-frame' });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The renderer's own counters (main thread): task, script, layout and style time.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const cpuStart = chromiumCpuTicks();
  await page.goto(url);
  try {
    await page.waitForFunction(() => performance.getEntriesByName('undelete:list-complete').length > 0,
      null, { timeout: 180_000, polling: 50 });
  } catch (e) {
    const text = await page.locator('body').innerText().catch(() => '');
    throw new Error(`${url}: no undelete:list-complete mark (${e.message}); errors: ${errors.join('; ')}; page: ${text.slice(0, 300)}`);
  }
  const cpuMs = chromiumCpuMsSince(cpuStart);
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const marks = await page.evaluate(() => ({
    long: window.__benchLong,
    first: performance.getEntriesByName('undelete:first-row')[0]?.startTime ?? null,
    // Where the first row's time goes: the app ready (pages without the mark: null), and the
    // first ListSecrets answer in (resource timing).
    mounted: performance.getEntriesByName('undelete:app-mounted')[0]?.startTime ?? null,
    firstAnswer: performance.getEntriesByType('resource')
      .find((e) => e.name.endsWith('/api/secretsmanager'))?.responseEnd ?? null,
    complete: performance.getEntriesByName('undelete:list-complete')[0].startTime,
    shown: document.getElementById('match-count')?.textContent ?? '',
    // Every ListSecrets call (`/api/secretsmanager` or `/api/secretsmanager/{account}/{region}`).
    calls: performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/api/secretsmanager'))
      .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd })),
    configEnd: performance.getEntriesByType('resource')
      .find((e) => new URL(e.name).pathname === '/api/config')?.responseEnd ?? null,
  }));
  marks.cpu = cpuMs;
  marks.requests = requestStats(marks.calls, marks.configEnd, marks.complete);
  marks.main = mainThreadStats(metrics, marks.long, marks.calls, marks.complete);
  delete marks.long;
  // The first answer of a page that names its target in the path.
  marks.firstAnswer ??= marks.calls.length ? Math.min(...marks.calls.map((c) => c.end)) : null;
  delete marks.calls;
  if (errors.length) throw new Error(`${url}: page errors: ${errors.join('; ')}`);
  return { context, page, marks };
}

// Installs the latency probe: `window.__bench` holds the start of the last input (`start`), the
// time after the last paint that followed a DOM change (`last`) and the Event Timing duration of
// the input's entries (`paint`), for events named in `names`.
async function installProbe(page, startEvent, names) {
  await page.evaluate(([startEvent, names]) => {
    const bench = window.__bench = { start: 0, last: 0, paint: 16 };
    // The time after the next paint (a frame, then a macrotask once it is drawn).
    const afterPaint = () => requestAnimationFrame(() => setTimeout(() => { bench.last = performance.now(); }, 0));
    // An input that changes nothing on screen still costs at least the next frame.
    window.addEventListener(startEvent, (e) => { bench.start = e.timeStamp; bench.last = 0; bench.paint = 16; afterPaint(); }, true);
    new MutationObserver(afterPaint).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (names.includes(e.name) && e.startTime >= bench.start - 1) bench.paint = Math.max(bench.paint, e.duration);
      }
    }).observe({ type: 'event', durationThreshold: 16 });
  }, [startEvent, names]);
}

// Waits until nothing has painted for 300 ms, then reads one sample.
async function settledSample(page) {
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
  return { ms: round(last - start), first_ms: paint, shown };
}

// Keystrokes in #search: type `billing`, then erase it.
async function filterSamples(page) {
  await page.locator('#search').focus();
  await installProbe(page, 'keydown', ['keydown', 'input']);
  const samples = [];
  for (const key of [...'billing', ...Array(7).fill('Backspace')]) {
    await page.keyboard.press(key);
    samples.push({ key, ...(await settledSample(page)) });
  }
  return samples;
}

// Clicks on the sort buttons: every one re-orders all the rows.
const SORT_CLICKS = ['Name', 'Name', 'Time left', 'Time left', 'Deletion date', 'Time left'];
async function sortSamples(page) {
  await installProbe(page, 'click', ['click']);
  const samples = [];
  for (const name of SORT_CLICKS) {
    await table(page).getByRole('button', { name, exact: true }).click();
    samples.push({ key: name, ...(await settledSample(page)) });
  }
  return samples;
}

function summary(samples, before) {
  const ms = samples.map((s) => s.ms);
  const firstMs = samples.map((s) => s.first_ms);
  // Inputs that changed which rows are shown (the table re-renders); for sort, every click.
  const changed = mode === 'sort' ? samples
    : samples.filter((s, i) => s.shown !== (i && samples[i - 1].round === s.round ? samples[i - 1].shown : before[s.round]));
  return {
    samples, median_ms: round(median(ms)), max_ms: round(Math.max(...ms)),
    changed_count: changed.length, changed_median_ms: changed.length ? round(median(changed.map((s) => s.ms))) : null,
    worst: samples.reduce((a, b) => (b.ms > a.ms ? b : a)),
    first_median_ms: round(median(firstMs)), first_max_ms: round(Math.max(...firstMs)),
    first_changed_median_ms: changed.length ? round(median(changed.map((s) => s.first_ms))) : null,
    first_worst: samples.reduce((a, b) => (b.first_ms > a.first_ms ? b : a)),
  };
}

// Schedules every seeded secret again (scripts/bench/moto_bulk.py); returns how many the load
// before had restored.
async function reschedule() {
  const answer = await (await fetch(opt.reset, { method: 'POST' })).json();
  if (answer.scheduled !== Number(opt.count)) throw new Error(`reset: ${JSON.stringify(answer)}, expected ${opt.count} scheduled`);
  return answer.rescheduled;
}

// One bulk restore of every listed secret (see the header), in a fresh context.
async function bulkOnce(browser, p) {
  const n = Number(opt.count);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(p.url);
  await page.waitForFunction(() => performance.getEntriesByName('undelete:list-complete').length > 0,
    null, { timeout: 180_000, polling: 50 });
  const confirmName = `Confirm restore of ${n}`;
  let confirm = page.getByRole('button', { name: confirmName, exact: true });
  if (!p.plain) {
    await page.getByRole('checkbox', { name: 'Select all shown', exact: true }).click();
    await page.getByRole('button', { name: `Cancel deletion for ${n} selected`, exact: true }).click();
    confirm = page.getByRole('alertdialog').getByRole('button', { name: confirmName, exact: true });
  }
  await confirm.waitFor();
  // The click's moment, taken before the page's own handler runs.
  await page.evaluate((name) => {
    window.addEventListener('click', (e) => {
      if (e.target.closest?.('button')?.textContent.trim() === name) window.__confirmAt ??= performance.now();
    }, true);
  }, confirmName);
  const cpuStart = chromiumCpuTicks();
  await confirm.click();
  try {
    await page.waitForFunction(() => performance.getEntriesByName('undelete:bulk-complete').length > 0,
      null, { timeout: 180_000, polling: 20 });
  } catch (e) {
    const text = await page.locator('body').innerText().catch(() => '');
    throw new Error(`${p.url}: no undelete:bulk-complete mark (${e.message}); errors: ${errors.join('; ')}; page: ${text.slice(0, 300)}`);
  }
  const cpu = chromiumCpuMsSince(cpuStart);
  const m = await page.evaluate(() => ({
    at: window.__confirmAt ?? null,
    first: performance.getEntriesByName('undelete:bulk-first-gone')[0]?.startTime ?? null,
    complete: performance.getEntriesByName('undelete:bulk-complete')[0].startTime,
    status: [...document.querySelectorAll('[role=status]')].map((e) => e.textContent.trim()).filter(Boolean).join(' | '),
    // The RestoreSecret calls: every Secrets Manager call from the click on.
    calls: performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/api/secretsmanager') && e.startTime >= window.__confirmAt)
      .map((e) => ({ start: e.startTime, end: e.responseEnd })),
  }));
  await context.close();
  if (errors.length) throw new Error(`${p.url}: page errors: ${errors.join('; ')}`);
  if (m.at === null || m.first === null) throw new Error(`${p.url}: no click time or no first-gone mark: ${JSON.stringify(m)}`);
  return { first: m.first - m.at, complete: m.complete - m.at, cpu, status: m.status,
    calls: restoreStats(m.calls, m.at, m.complete) };
}

// Where a bulk run's time goes, from the resource timing of its calls (ms since the click): the
// first call out, the last answer in and the mark after it; calls in flight on average (sum of
// call durations / first call to last answer); one call's duration; and the hand-over: from an
// answer freeing one of the `inFlight` slots (the (k-inFlight)-th answer) to the k-th call out.
function restoreStats(calls, at, complete, inFlight = 5) {
  if (!calls.length) return null;
  const starts = calls.map((c) => c.start).sort((a, b) => a - b);
  const ends = calls.map((c) => c.end).sort((a, b) => a - b);
  const handover = starts.slice(inFlight).map((s, k) => s - ends[k]);
  const busy = calls.reduce((sum, c) => sum + (c.end - c.start), 0);
  return {
    calls: calls.length, first_call_ms: starts[0] - at, last_answer_ms: ends.at(-1) - at,
    after_last_answer_ms: complete - ends.at(-1),
    mean_in_flight: busy / Math.max(1, ends.at(-1) - starts[0]),
    call_ms_median: median(calls.map((c) => c.end - c.start)),
    handover_ms_median: handover.length ? median(handover) : null,
    handover_ms_max: handover.length ? Math.max(...handover) : null,
  };
}

const browser = await launchBrowser();
const out = { mode, pages: {} };
try {
  if (mode === 'list') {
    const runs = Number(opt.runs || 5);
    const loads = Object.fromEntries(pages.map((p) => [p.name, []]));
    for (let i = 0; i <= runs; i++) {
      for (const p of rotated(i)) {
        const { context, marks } = await loadOnce(browser, p.url);
        await context.close();
        if (i > 0) loads[p.name].push(marks); // round 0: warm-up (Chromium's own first-start costs)
      }
    }
    for (const p of pages) {
      const l = loads[p.name];
      const col = (k) => l.map((m) => round(m[k]));
      out.pages[p.name] = {
        url: p.url,
        first_row_ms: col('first'), complete_ms: col('complete'), chromium_cpu_ms: col('cpu'),
        first_row_ms_median: medianOrNull(col('first')), complete_ms_median: medianOrNull(col('complete')),
        chromium_cpu_ms_median: medianOrNull(col('cpu')), shown: l.at(-1).shown,
        app_mounted_ms: col('mounted'), app_mounted_ms_median: medianOrNull(col('mounted')),
        first_answer_ms: col('firstAnswer'), first_answer_ms_median: medianOrNull(col('firstAnswer')),
      };
      // Where the time goes: each figure of requestStats, median over the loads, and per load.
      const mainKeys = Object.keys(l[0].main);
      const perMain = (k) => l.map((m) => round(m.main[k]));
      out.pages[p.name].main_thread = Object.fromEntries(mainKeys.map((k) => [k, medianOrNull(perMain(k))]));
      out.pages[p.name].main_thread_per_load = Object.fromEntries(mainKeys.map((k) => [k, perMain(k)]));
      if (l.every((m) => m.requests)) {
        const keys = Object.keys(l[0].requests);
        const per = (k) => l.map((m) => (m.requests[k] === null ? null : round(m.requests[k])));
        out.pages[p.name].requests = Object.fromEntries(keys.map((k) => [k, medianOrNull(per(k))]));
        out.pages[p.name].requests_per_load = Object.fromEntries(keys.map((k) => [k, per(k)]));
      }
    }
  } else if (mode === 'bulk') {
    const runs = Number(opt.runs || 5);
    const loads = Object.fromEntries(pages.map((p) => [p.name, []]));
    await reschedule();
    for (let i = 0; i <= runs; i++) {
      for (const p of rotated(i)) {
        const m = await bulkOnce(browser, p);
        // Every secret must have been restored, or the loads would compare different work.
        const restored = await reschedule();
        if (restored !== Number(opt.count)) throw new Error(`${p.name}: restored ${restored} of ${opt.count} (${m.status})`);
        if (i > 0) loads[p.name].push(m); // round 0: warm-up
      }
    }
    for (const p of pages) {
      const l = loads[p.name];
      const col = (k) => l.map((m) => round(m[k]));
      out.pages[p.name] = {
        url: p.url, plain: p.plain, count: Number(opt.count),
        first_gone_ms: col('first'), complete_ms: col('complete'), chromium_cpu_ms: col('cpu'),
        first_gone_ms_median: medianOrNull(col('first')), complete_ms_median: medianOrNull(col('complete')),
        chromium_cpu_ms_median: medianOrNull(col('cpu')), status: l.at(-1).status,
      };
      if (l.every((m) => m.calls)) {
        const keys = Object.keys(l[0].calls);
        const per = (k) => l.map((m) => (m.calls[k] === null ? null : round(m.calls[k])));
        out.pages[p.name].calls = Object.fromEntries(keys.map((k) => [k, medianOrNull(per(k))]));
        out.pages[p.name].calls_per_load = Object.fromEntries(keys.map((k) => [k, per(k)]));
      }
    }
  } else {
    const rounds = Number(opt.rounds || 1);
    const samples = Object.fromEntries(pages.map((p) => [p.name, []]));
    const before = Object.fromEntries(pages.map((p) => [p.name, []]));
    const rows = {};
    for (let r = 0; r < rounds; r++) {
      for (const p of rotated(r)) {
        const { context, page, marks } = await loadOnce(browser, p.url);
        rows[p.name] = marks.shown;
        before[p.name][r] = marks.shown;
        const got = mode === 'filter' ? await filterSamples(page) : await sortSamples(page);
        samples[p.name].push(...got.map((s) => ({ ...s, round: r })));
        await context.close();
      }
    }
    for (const p of pages) out.pages[p.name] = { url: p.url, rows: rows[p.name], rounds, ...summary(samples[p.name], before[p.name]) };
  }
  console.log(JSON.stringify(out));
} finally {
  await browser.close();
}
