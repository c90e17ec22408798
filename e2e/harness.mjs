// Test harness for the browser end-to-end suite (run with `node --test`, see scripts/test.sh).
//
// startStack() starts, on free loopback ports, a moto server seeded by scripts/seed_moto.py
// (IAM auth on), and the real proxy binary (target/debug/undelete-proxy) serving the release
// dist/ with the seeded least-privilege `undelete-dashboard` user's key. launchBrowser() starts
// Debian's Chromium headless through playwright-core (no browser download).
// Nothing here depends on CSS classes: tests use roles and accessible names.

import { spawn, execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const execFileP = promisify(execFile);

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_DIR = process.env.CARGO_TARGET_DIR
  ? path.resolve(REPO, process.env.CARGO_TARGET_DIR)
  : path.join(REPO, 'target');
export const PROXY_BIN = process.env.PROXY_BIN || path.join(TARGET_DIR, 'debug', 'undelete-proxy');
export const DIST = process.env.E2E_DIST ? path.resolve(process.env.E2E_DIST) : path.join(REPO, 'dist');
const VENV = path.join(REPO, '.venv');
const PYTHON = path.join(VENV, 'bin', 'python');
export const SCREENSHOTS = path.join(REPO, 'artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
// Chromium as root on a machine without internet: no sandbox, no background connections.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A child process whose output goes to a log file (and is kept for error messages). */
class Proc {
  constructor(name, cmd, args, { env, logFile }) {
    this.name = name;
    this.tail = [];
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal }));
      this.child.on('error', (err) => {
        this.tail.push(String(err));
        resolve({ code: -1, signal: null, error: err });
      });
    });
    this.running = true;
    this.exited.then(() => { this.running = false; });
    for (const s of [this.child.stdout, this.child.stderr]) {
      s.on('data', (buf) => {
        this.log.write(buf);
        this.tail.push(...String(buf).split('\n').filter(Boolean));
        if (this.tail.length > 60) this.tail.splice(0, this.tail.length - 60);
      });
    }
  }
  output() { return `--- last output of ${this.name} ---\n${this.tail.join('\n')}`; }
  async stop() {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
    await new Promise((r) => this.log.end(r));
  }
}

async function waitHttp(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`${proc.name} exited before ${url} answered\n${proc.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch { /* not up yet */ }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms\n${proc.output()}`);
}

/**
 * Starts moto (seeded, IAM auth on) and the proxy. Options:
 *   live: number of live secrets (default: the seed's default, >100 in total so ListSecrets pages)
 *   scheduled: number of secrets scheduled for deletion (default: all 12)
 *   fleet: also a spoke account `staging` (reached by assuming its role) and a second region,
 *     and with fleet.deniedSpoke a spoke `sandbox` whose role may not list (scripts/seed_moto.py
 *     --fleet); the proxy serves every account × region
 * Returns { state, baseURL, admin(cmd, ...args), stopProxy(), startProxy([extra proxy args]),
 * close(), ... }.
 */
export async function startStack({ live, scheduled, fleet } = {}) {
  for (const [what, p] of [['the proxy binary', PROXY_BIN], ['dist/index.html', path.join(DIST, 'index.html')],
    ['moto_server', path.join(VENV, 'bin', 'moto_server')]]) {
    if (!existsSync(p)) throw new Error(`${what} is missing at ${p}: run \`make test\` (or scripts/setup.sh and scripts/build.sh) first`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'undelete-e2e-'));
  const motoPort = await freePort();
  const moto = new Proc('moto', path.join(VENV, 'bin', 'moto_server'),
    ['-H', '127.0.0.1', '-p', String(motoPort)], { env: process.env, logFile: path.join(dir, 'moto.log') });
  const stack = { dir, motoPort, moto, proxy: null };
  try {
    await waitHttp(`http://127.0.0.1:${motoPort}/moto-api/`, moto, 30_000);
    const statePath = path.join(dir, 'state.json');
    const seedArgs = [path.join(REPO, 'scripts', 'seed_moto.py'), '--endpoint', `http://127.0.0.1:${motoPort}`,
      '--state', statePath];
    if (live !== undefined) seedArgs.push('--live', String(live));
    if (scheduled !== undefined) seedArgs.push('--scheduled', String(scheduled));
    if (fleet) {
      seedArgs.push('--fleet', '--spoke', 'staging=210987654321');
      if (fleet.deniedSpoke) seedArgs.push('--denied-spoke', 'sandbox=333333333333');
    }
    await execFileP(PYTHON, seedArgs, { cwd: REPO });
    stack.statePath = statePath;
    stack.state = JSON.parse(await readFile(statePath, 'utf8'));
    stack.proxyPort = await freePort();
    stack.baseURL = `http://127.0.0.1:${stack.proxyPort}/`;
    stack.startProxy = (extraArgs = []) => startProxy(stack, extraArgs);
    stack.stopProxy = async () => { if (stack.proxy) await stack.proxy.stop(); };
    stack.admin = (cmd, ...args) => admin(stack, cmd, ...args);
    stack.close = async () => {
      await stack.stopProxy();
      await moto.stop();
      if (!process.env.E2E_KEEP_LOGS) await rm(dir, { recursive: true, force: true });
    };
    await stack.startProxy();
    return stack;
  } catch (e) {
    if (stack.proxy) await stack.proxy.stop();
    await moto.stop();
    throw e;
  }
}

async function startProxy(stack, extraArgs) {
  const { state } = stack;
  // Only the seeded dashboard user's key: nothing from the caller's AWS configuration.
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: state.dashboard.accessKeyId,
    AWS_SECRET_ACCESS_KEY: state.dashboard.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  stack.proxy = new Proc('undelete-proxy', PROXY_BIN, [
    '--listen', `127.0.0.1:${stack.proxyPort}`,
    // A fleet: every seeded region, and each spoke account through its role.
    '--region', (state.regions || [state.region]).join(','),
    ...(state.spokes || []).flatMap((s) => ['--role-arn', `${s.label}=${s.roleArn}`]),
    '--endpoint-url', state.endpoint,
    '--static-dir', DIST,
    ...extraArgs,
  ], { env, logFile: path.join(stack.dir, 'proxy.log') });
  await waitHttp(`${stack.baseURL}healthz`, stack.proxy, 30_000);
}

/** moto_admin.py; a first argument `{ target: 'ACCOUNT/REGION' }` acts in that account-region. */
async function admin(stack, cmd, ...args) {
  const target = typeof cmd === 'object' ? cmd.target : undefined;
  if (typeof cmd === 'object') cmd = args.shift();
  const { stdout } = await execFileP(PYTHON,
    [path.join(REPO, 'scripts', 'moto_admin.py'), '--state', stack.statePath,
      ...(target ? ['--target', target] : []), cmd, ...args.map(String)],
    { cwd: REPO });
  return JSON.parse(stdout);
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh page (own context) that records everything that would be a problem on a happy path:
 * console errors, uncaught page errors, failed requests and HTTP responses >= 400.
 */
export async function openPage(browser, stack) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: stack.baseURL });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()} (${m.location()?.url || 'no url'})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });
  page.setDefaultTimeout(15_000);
  return { context, page, problems };
}

/** Retries `fn` (which throws on failure) until it passes or `timeout` ms pass; returns its value. */
export async function eventually(fn, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(interval);
    }
  }
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// ---- locators from the UI contract -----------------------------------------------------------

export const table = (page) => page.getByRole('table', { name: /Secrets scheduled for deletion/ });
export const cancelButton = (page, name) =>
  page.getByRole('button', { name: `Cancel deletion for ${name}`, exact: true });
export const dialogFor = (page, name) =>
  page.getByRole('alertdialog', { name: `Cancel deletion of ${name}?`, exact: true });

/** The secret names in table order (the row headers). */
export async function rowNames(page) {
  return (await table(page).getByRole('rowheader').allInnerTexts()).map((s) => s.trim());
}

/** Waits until the listing is complete: the count text is shown and the table has n rows. */
export async function waitForListing(page, n) {
  const countText = new RegExp(`^\\s*${n} secrets? (are )?scheduled for deletion`, 'i');
  await page.getByText(countText).first().waitFor();
  await eventually(async () => {
    const names = await rowNames(page);
    if (names.length !== n) throw new Error(`expected ${n} rows, table has ${names.length}: ${names.join(', ')}`);
  });
}

/** Name of the element that has focus (its accessible-ish label), for assertions and messages. */
export async function focusedLabel(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '(body)';
    return el.getAttribute('aria-label') || el.textContent.trim() || el.getAttribute('placeholder') || el.tagName;
  });
}

/** True if the locator's element is the focused element. */
export async function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

/** The seeded scheduled secrets, most urgent first (the UI's default order). */
export function scheduledByUrgency(state) {
  return [...state.scheduled].sort((a, b) => a.deletedDate - b.deletedDate).map((s) => s.name);
}

/**
 * Registers hooks on the enclosing `describe`: before its tests, a seeded stack (moto + proxy,
 * see startStack) and a browser; after them, both are stopped. Tests read `env.stack` and
 * `env.browser`.
 */
export function useStack(options) {
  const env = {};
  before(async () => {
    env.stack = await startStack(options);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.stack?.close();
  });
  return env;
}
