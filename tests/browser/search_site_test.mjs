// Browser tests of newsdexd's search site (docs/search-page.md): the real
// newsdexd binary over an index built by the real newsdex-index, driven in
// Debian's headless Chromium by puppeteer-core. Run by run_browser_tests.sh
// (ctest test "browser_search_site", label e2e):
//
//   node search_site_test.mjs --newsdexd BIN --indexer BIN --source-dir DIR
//                             --shared-dir DIR --out DIR [--chromium PATH]
//
// For each corpus (data/sample/ plus two hostile articles this script writes;
// Reuters-21578 dev from the shared corpora, skipped with a message when
// absent) it types a query and submits it, clicks a country facet (the total
// must equal that facet's count), a second country (disjunctive counts, and
// the page agrees with the JSON API), a timeline bar (the dates narrow to the
// bar and the total equals its count), pages forward and back, opens an
// article and a related one, and uses the facet suggestions, the keyboard
// shortcuts and the page with JavaScript off. Every page load is watched for
// console errors, failed scripts, CSP violations and requests to any other
// host. The hostile articles must render as text on both pages with no script
// run. Screenshots at desktop and phone widths go to --out.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import puppeteer from 'puppeteer-core';

const {values: args} = parseArgs({
  options: {
    'newsdexd': {type: 'string'},
    'indexer': {type: 'string'},
    'source-dir': {type: 'string'},
    'shared-dir': {type: 'string', default: ''},
    'out': {type: 'string'},
    'chromium': {type: 'string', default: '/usr/bin/chromium'},
  },
});
for (const required of ['newsdexd', 'indexer', 'source-dir', 'out']) {
  if (!args[required]) throw new Error(`search_site_test.mjs: --${required} is required`);
}
mkdirSync(args.out, {recursive: true});

const DESKTOP = {width: 1280, height: 900};
const PHONE = {width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2};

// Two articles whose every field tries to run script or break the markup.
const HOSTILE = [
  {
    id: 'hostile-1',
    title: '<script>window.pwned=1</script>"><img src=x onerror="window.pwned=2"> ' +
        'hostilemarker &amp; \u202Eevil\u202C Z\u0351\u0334a\u0336l\u0337g\u0334o ' +
        '\u{1F469}\u200D\u{1F469}\u200D\u{1F467} \uFF1Cscript\uFF1E',
    body: 'hostilemarker <script>window.pwned=3</script> and "><img src=x ' +
        'onerror=window.pwned=4> text.\u2028Next line \u2029 <a href="javascript:window.pwned=5">' +
        'click</a> {{mustache}} {{{triple}}} ${template} \uFEFF end.',
    url: 'javascript:window.pwned=6',
    date: '1987-03-02',
    source: '<b onmouseover="window.pwned=7">Wire</b>',
    actors: [{name: '<img src=x onerror="window.pwned=8">', role: '"><script>window.pwned=9</script>'}],
    countries: [{code: 'ir'}],
  },
  {
    id: 'hostile-2"><svg onload=window.pwned=10>',
    title: 'Second hostilemarker article with a data: address',
    body: 'hostilemarker second body javascript:window.pwned=11',
    url: 'data:text/html,<script>window.pwned=12</script>',
    date: '1987-03-03',
  },
];

// ---------------------------------------------------------------------------
// Index and daemon.

function indexCorpus(db, inputs) {
  const run = spawnSync(args.indexer, ['--db', db, '--quiet', '--no-fsync', '--threads', '2',
                                       ...inputs], {encoding: 'utf8'});
  assert.equal(run.status, 0, `newsdex-index failed: ${run.stderr}`);
}

async function startDaemon(db) {
  const child = spawn(args.newsdexd, ['--db', db, '--listen', '127.0.0.1:0', '--access-log', 'off'],
                      {stdio: ['ignore', 'pipe', 'pipe']});
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`newsdexd exited (${code}): ${log}`)));
  });
  return {base, stop: () => child.kill('SIGTERM')};
}

async function launchBrowser(profile) {
  return puppeteer.launch({
    executablePath: args.chromium,
    headless: true,
    // The flags of the machine notes: without the background-networking ones
    // Chromium tries hosts this machine cannot reach.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           `--user-data-dir=${profile}`],
  });
}

// ---------------------------------------------------------------------------
// Watching pages: everything that must never happen is recorded here and
// checked at the end of each corpus.

function watch(page, base, problems) {
  const origin = new URL(base).origin;
  page.on('console', (message) => {
    // The error page requested on purpose logs its status: not a problem.
    if (message.location()?.url?.includes('_expect_error')) return;
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) {
      problems.push(`request to another host: ${url}`);
    }
  });
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    // Error pages are tested on purpose by URL; any other failure is a bug.
    if (response.status() >= 400 && !response.url().includes('expect_error')) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  // Injected by the DevTools protocol, so the page's CSP does not apply to it.
  return page.evaluateOnNewDocument(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__csp.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
}

async function newPage(browser, base, problems, {javascript = true} = {}) {
  const page = await browser.newPage();
  await page.setViewport(DESKTOP);
  await page.setJavaScriptEnabled(javascript);
  await watch(page, base, problems);
  return page;
}

// Clicks and waits for the navigation the click starts.
async function clickAndWait(page, selectorOrHandle) {
  const handle = typeof selectorOrHandle === 'string' ?
      await page.$(selectorOrHandle) : selectorOrHandle;
  assert.ok(handle, `nothing to click: ${selectorOrHandle}`);
  await Promise.all([page.waitForNavigation({waitUntil: 'load'}), handle.click()]);
}

// ---------------------------------------------------------------------------
// Reading the page.

const number = (text) => Number(String(text).replace(/[^0-9]/g, ''));

async function total(page) {
  const text = await page.$eval('.total .count', (e) => e.textContent);
  return {count: number(text), exact: !text.startsWith('about')};
}

async function facetValues(page, field) {
  return page.$$eval(`#facet-${field} .fv`, (links) => links.map((a) => ({
    name: a.querySelector('.name').textContent,
    count: Number(a.querySelector('.n').textContent.replace(/[^0-9]/g, '')),
    on: a.classList.contains('on'),
    href: a.getAttribute('href'),
  })));
}

async function hits(page) {
  return page.$$eval('.hit', (items) => items.map((li) => ({
    title: li.querySelector('.hit-title').textContent,
    href: li.querySelector('.hit-title').getAttribute('href'),
    date: li.querySelector('time')?.getAttribute('datetime') ?? null,
  })));
}

function params(page) {
  return new URL(page.url()).searchParams;
}

async function api(base, pathAndQuery) {
  const response = await fetch(base + pathAndQuery, {headers: {Accept: 'application/json'}});
  assert.equal(response.status, 200, `${pathAndQuery}: ${response.status}`);
  return response.json();
}

// What the JSON API says for the page's current state, facets included.
async function apiFor(page, base) {
  const query = params(page);
  query.set('facets', 'country,actor,date');
  return api(base, `/search?${query}`);
}

// Nothing a hostile article holds ran or became markup.
async function assertNoScriptRan(page) {
  const state = await page.evaluate(() => ({
    pwned: window.pwned,
    csp: window.__csp,
    images: document.querySelectorAll('img').length,
    scripts: [...document.scripts].map((s) => new URL(s.src, location.href).pathname),
    handlers: [...document.querySelectorAll('*')].flatMap((e) =>
      [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)),
    jsLinks: [...document.querySelectorAll('a')].filter((a) =>
      /^\s*(javascript|data|vbscript):/i.test(a.getAttribute('href') ?? '')).length,
    svgs: document.querySelectorAll('svg').length,
  }));
  assert.equal(state.pwned, undefined, 'a hostile script ran');
  assert.deepEqual(state.csp, [], 'the Content-Security-Policy blocked something');
  assert.equal(state.images, 0, 'an <img> was injected');
  assert.deepEqual(state.scripts, ['/static/app.js']);
  assert.deepEqual(state.handlers, [], 'an event handler attribute was injected');
  assert.equal(state.jsLinks, 0, 'a javascript:/data: link was rendered');
  assert.ok(state.svgs <= 1, 'an <svg> was injected');
}

// ---------------------------------------------------------------------------
// The scenario, run once per corpus.

async function searchFlow(t, ctx) {
  const {page, base, corpus} = ctx;

  await t.test('type a query and submit it', async () => {
    await page.goto(`${base}/`, {waitUntil: 'load'});
    assert.equal(await page.$eval('h1', (e) => e.textContent), 'All articles');
    assert.ok(await page.$('label[for="q"]'), 'the search box has a label');
    await page.type('#q', corpus.query);
    await Promise.all([page.waitForNavigation({waitUntil: 'load'}), page.keyboard.press('Enter')]);
    assert.equal(params(page).get('q'), corpus.query);
    const shown = await total(page);
    assert.ok(shown.exact && shown.count > 10, `want more than a page of hits, got ${shown.count}`);
    assert.equal((await hits(page)).length, 10);
    assert.equal(shown.count, (await apiFor(page, base)).total);
    ctx.queryUrl = page.url();
  });

  await t.test('a country facet narrows the total to its count', async () => {
    const before = (await total(page)).count;
    const values = await facetValues(page, 'country');
    const pick = values.find((v) => !v.on && v.count < before && v.count > 1) ?? values[0];
    ctx.firstCountry = pick;
    await clickAndWait(page, `#facet-country .fv[href="${pick.href}"]`);
    assert.equal((await total(page)).count, pick.count);
    const after = await facetValues(page, 'country');
    assert.ok(after.find((v) => v.name === pick.name)?.on, `${pick.name} shows as selected`);
    assert.match(await page.$eval('.active', (e) => e.textContent), new RegExp(pick.name));
  });

  await t.test('a second country ORs, with disjunctive counts as the API gives them', async () => {
    const counts = await facetValues(page, 'country');
    const first = ctx.firstCountry;
    const second = counts.find((v) => !v.on && v.count > 0);
    assert.ok(second, 'another country to add');
    await clickAndWait(page, `#facet-country .fv[href="${second.href}"]`);
    const shown = (await total(page)).count;
    assert.ok(shown >= Math.max(first.count, second.count), `${shown} >= each count`);
    assert.ok(shown <= first.count + second.count, `${shown} <= sum of counts`);
    const now = await facetValues(page, 'country');
    assert.ok(now.find((v) => v.name === first.name)?.on && now.find((v) => v.name === second.name)?.on);
    // Counted without the country filter: the same counts as one click ago.
    for (const value of now) {
      const earlier = counts.find((v) => v.name === value.name);
      if (earlier) assert.equal(value.count, earlier.count, `count of ${value.name}`);
    }
    const json = await apiFor(page, base);
    assert.equal(json.total, shown);
    assert.equal(json.facets.country.disjunctive, true);
    for (const value of json.facets.country.values) {
      const onPage = now.find((v) => v.name === value.name);
      assert.equal(onPage?.count, value.count, `page and API agree on ${value.name}`);
    }
  });

  await t.test('a timeline bar narrows the dates to its bucket', async () => {
    await page.goto(ctx.queryUrl, {waitUntil: 'load'});
    for (let level = 0; level < 2; ++level) {
      const bars = await page.$$eval('.timeline a.bar-link', (links) => links.map((a) => ({
        href: a.getAttribute('href'), label: a.querySelector('title').textContent})));
      assert.ok(bars.length > 0, 'the timeline has bars');
      const widest = bars.reduce((a, b) => (number(b.label.split(':')[1]) >
                                            number(a.label.split(':')[1]) ? b : a));
      const want = number(widest.label.split(':')[1]);
      const handles = await page.$$('.timeline a.bar-link');
      await clickAndWait(page, handles[bars.indexOf(widest)]);
      const from = params(page).get('from');
      const to = params(page).get('to');
      assert.ok(from && to && from <= to, `dates ${from}..${to}`);
      assert.equal((await total(page)).count, want, `total equals the bar (${widest.label})`);
      for (const hit of await hits(page)) {
        assert.ok(hit.date >= from && hit.date <= to, `${hit.date} in ${from}..${to}`);
      }
      assert.match(await page.$eval('.active', (e) => e.textContent), /Published:/);
      if (from === to) break;  // a single day cannot narrow further
    }
  });

  await t.test('paging forward and back', async () => {
    await page.goto(ctx.queryUrl, {waitUntil: 'load'});
    const first = await hits(page);
    await clickAndWait(page, 'a[rel="next"]');
    assert.equal(params(page).get('offset'), '10');
    assert.match(await page.$eval('.total .range', (e) => e.textContent), /^11–20$/);
    const second = await hits(page);
    assert.notDeepEqual(second.map((h) => h.href), first.map((h) => h.href));
    await clickAndWait(page, 'a[rel="next"]');
    assert.equal(params(page).get('offset'), '20');
    await clickAndWait(page, 'a[rel="prev"]');
    assert.deepEqual((await hits(page)).map((h) => h.href), second.map((h) => h.href));
    await page.goBack({waitUntil: 'load'});
    assert.equal(params(page).get('offset'), '20');
    await page.goBack({waitUntil: 'load'});
    await page.goBack({waitUntil: 'load'});
    assert.deepEqual((await hits(page)).map((h) => h.href), first.map((h) => h.href));
  });

  await t.test('an article page and a related one', async () => {
    await page.goto(ctx.queryUrl, {waitUntil: 'load'});
    const [hit] = await hits(page);
    await clickAndWait(page, '.hit-title');
    assert.equal(new URL(page.url()).pathname, hit.href);
    assert.equal(await page.$eval('h1', (e) => e.textContent), hit.title);
    const related = await page.$$eval('.related a', (links) => links.map((a) => ({
      text: a.textContent, href: a.getAttribute('href')})));
    assert.ok(related.length > 0, 'related articles are listed');
    await clickAndWait(page, '.related a');
    assert.equal(new URL(page.url()).pathname, related[0].href);
    assert.equal(await page.$eval('h1', (e) => e.textContent), related[0].text);
    const stored = await api(base, `/articles/${related[0].href.slice('/article/'.length)}`);
    assert.equal(stored.title || `(untitled: ${stored.id})`, related[0].text);
    // A facet of the article links to a search that finds it.
    const chip = await page.$('.facets a.chip-country');
    if (chip) {
      await clickAndWait(page, chip);
      assert.ok((await total(page)).count > 0);
    }
  });
}

async function enhancementsFlow(t, ctx) {
  const {page, base, browser, problems, corpus} = ctx;

  await t.test('facet suggestions as you type', async () => {
    await page.goto(ctx.queryUrl, {waitUntil: 'load'});
    const [person] = await facetValues(page, 'actor');
    assert.ok(person, 'the People facet has values');
    await page.type('#find-actor', person.name.slice(0, 4));
    await page.waitForFunction(
        (name) => [...document.querySelectorAll('#list-actor option')].some((o) => o.value === name),
        {timeout: 5000}, person.name);
    await page.$eval('#find-actor', (e) => { e.value = ''; });
    await page.type('#find-actor', person.name);
    await Promise.all([page.waitForNavigation({waitUntil: 'load'}),
                       page.$eval('#find-actor', (e) => e.form.requestSubmit())]);
    assert.equal(params(page).get('actor'), person.name);
    assert.equal((await total(page)).count, person.count);
  });

  await t.test('keyboard: "/" focuses the search box, j moves to a result', async () => {
    await page.goto(ctx.queryUrl, {waitUntil: 'load'});
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    await page.evaluate(() => document.activeElement.blur());
    await page.keyboard.press('j');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'hit-title');
  });

  await t.test('no hits, a query that does not parse, did you mean', async () => {
    await page.goto(`${base}/?q=zzqxvwk`, {waitUntil: 'load'});
    assert.match(await page.$eval('.empty', (e) => e.textContent), /No articles match/);
    await page.goto(`${base}/?q=${encodeURIComponent(`(${corpus.query}`)}`, {waitUntil: 'load'});
    assert.match(await page.$eval('.notice.warn', (e) => e.textContent), /could not be read/);
    assert.ok((await total(page)).count > 0, 'searched as plain words');
    await page.goto(`${base}/?q=${corpus.misspelled}`, {waitUntil: 'load'});
    await clickAndWait(page, '.dym a');
    assert.ok((await total(page)).count > 0, 'the suggestion finds articles');
  });

  await t.test('the page works with JavaScript off', async () => {
    const plain = await newPage(browser, base, problems, {javascript: false});
    await plain.goto(`${base}/`, {waitUntil: 'load'});
    await plain.type('#q', corpus.query);
    await Promise.all([plain.waitForNavigation({waitUntil: 'load'}), plain.keyboard.press('Enter')]);
    const [value] = (await facetValues(plain, 'country')).filter((v) => !v.on);
    await clickAndWait(plain, `#facet-country .fv[href="${value.href}"]`);
    assert.equal((await total(plain)).count, value.count);
    await clickAndWait(plain, 'a[rel="next"], .hit-title');
    await plain.close();
  });

  await t.test('an error page for a bad parameter', async () => {
    const response = await page.goto(`${base}/?from=1987-13-45&_expect_error=1`, {waitUntil: 'load'});
    assert.equal(response.status(), 400);
    assert.match(await page.$eval('.notice', (e) => e.textContent), /from/);
  });
}

async function screenshots(ctx) {
  const {page, base, corpus} = ctx;
  const shots = [];
  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewport(viewport);
    await page.goto(ctx.queryUrl, {waitUntil: 'load'});
    const search = path.join(args.out, `${corpus.name}-search-${name}.png`);
    await page.screenshot({path: search, fullPage: name === 'phone'});
    await clickAndWait(page, '.hit-title');
    const article = path.join(args.out, `${corpus.name}-article-${name}.png`);
    await page.screenshot({path: article, fullPage: name === 'phone'});
    shots.push(search, article);
  }
  await page.setViewport(DESKTOP);
  for (const shot of shots) assert.ok(existsSync(shot), shot);
  console.log(`# screenshots: ${shots.join(' ')}`);
}

async function hostileFlow(t, ctx) {
  const {page, base} = ctx;
  await t.test('hostile articles render as text and run no script', async () => {
    await page.goto(`${base}/?q=hostilemarker`, {waitUntil: 'load'});
    const stored = await api(base, '/articles/hostile-1');
    const found = await hits(page);
    assert.ok(found.some((h) => h.title === stored.title), 'the hostile title is shown as text');
    const snippet = await page.$$eval('.snippet', (s) => s.map((e) => e.textContent).join(' '));
    assert.match(snippet, /<script>window\.pwned=3<\/script>/);
    await assertNoScriptRan(page);
    // Its person chip filters by the hostile name, still as text.
    await clickAndWait(page, '.chip-person');
    await assertNoScriptRan(page);
    assert.equal((await total(page)).count, 1);

    for (const id of ['hostile-1', HOSTILE[1].id]) {
      await page.goto(`${base}/article/${encodeURIComponent(id)}`, {waitUntil: 'load'});
      const article = await api(base, `/articles/${encodeURIComponent(id)}`);
      assert.equal(await page.$eval('h1', (e) => e.textContent), article.title);
      assert.equal(await page.$eval('.inert', (e) => e.textContent), article.url);
      assert.equal(await page.$eval('.id code', (e) => e.textContent), id);
      await assertNoScriptRan(page);
    }
    const body = await page.$$eval('.body p', (ps) => ps.map((p) => p.textContent).join('\n'));
    assert.match(body, /javascript:window\.pwned=11/);
  });
}

// ---------------------------------------------------------------------------

function corpora() {
  const reuters = path.join(args['shared-dir'], 'corpora/reuters21578/dev');
  return [
    {name: 'sample', inputs: [path.join(args['source-dir'], 'data/sample')], hostile: true,
     query: 'officials', misspelled: 'bachellet'},
    {name: 'reuters-dev', inputs: [reuters], query: 'oil', misspelled: 'petrolium',
     skip: existsSync(reuters) ? false :
         `SKIPPED: Reuters-21578 dev is not at ${reuters} (the shared corpora are absent)`},
  ];
}

for (const corpus of corpora()) {
  test(`search site on ${corpus.name}`, {skip: corpus.skip, timeout: 600_000}, async (t) => {
    const work = mkdtempSync(path.join(tmpdir(), `newsdex-browser-${corpus.name}-`));
    const inputs = [...corpus.inputs];
    if (corpus.hostile) {
      const file = path.join(work, 'hostile.jsonl');
      writeFileSync(file, HOSTILE.map((a) => JSON.stringify(a)).join('\n') + '\n');
      inputs.push(file);
    }
    indexCorpus(path.join(work, 'db'), inputs);
    const daemon = await startDaemon(path.join(work, 'db'));
    const browser = await launchBrowser(path.join(work, 'profile'));
    const problems = [];
    try {
      const page = await newPage(browser, daemon.base, problems);
      const ctx = {page, browser, problems, base: daemon.base, corpus};
      await searchFlow(t, ctx);
      await enhancementsFlow(t, ctx);
      if (corpus.hostile) await hostileFlow(t, ctx);
      await t.test('screenshots at desktop and phone widths', () => screenshots(ctx));
      await t.test('no console errors and no request to another host', () => {
        assert.deepEqual(problems, []);
      });
    } finally {
      await browser.close();
      daemon.stop();
      rmSync(work, {recursive: true, force: true});
    }
  });
}
