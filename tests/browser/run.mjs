#!/usr/bin/env node
// Browser test suite for a built gongkai site: every HTML page is loaded in Chromium and checked
// for WCAG 2.1 A/AA (axe-core), broken internal links and #fragments, same text without
// JavaScript, no horizontal scroll or overlapping text at 360 px and the header's search button
// beside its box there, named charts and data tables,
// legible chart SVGs (no overlapping labels, CJK glyphs from a real CJK font, ≥ 3:1 colours),
// print on A4 within the text block (home, editions, annual reports), focus rings and frames
// with forced colours (Windows high contrast) on indicator pages, HTML validity (Nu HTML
// Checker), and on the 关怀版 pages the 适老化 numbers (24 px text, 1.3× line and paragraph
// spacing, 60 × 60 px targets, underlined links, chart text as large as body text).
// Screenshots go to a folder printed at the end.
//
// Usage (from the repository root, after `cargo run --release -- build`):
//   node tests/browser/run.mjs [--site public] [--broken tests/browser/broken] [--shots DIR]
//                              [--jobs N] [--pages REGEX] [--only-self-test] [--skip-self-test]
// The self-test first runs every check on a deliberately broken site and asserts that each
// check FAILS there, so a check that cannot fail is itself reported as a failure.
// The last line printed is `N passed, N failed`; the exit code is 1 when anything failed.

import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, readdir, stat, mkdir, rm, mkdtemp, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(name);
const SITE = path.resolve(opt('--site', path.join(ROOT, 'public')));
const BROKEN = path.resolve(opt('--broken', path.join(HERE, 'broken')));
const SHOTS = path.resolve(opt('--shots', path.join(ROOT, 'target/browser-screenshots')));
const JOBS = Number(opt('--jobs', '2'));
const ONLY = new RegExp(opt('--pages', '')); // for local runs: only the pages and charts matching
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// 关怀版: 工信部《互联网网站适老化通用设计规范》 read strictly: text at least 18 pt (24 CSS px),
// line and paragraph spacing 1.3×, click targets 60 × 60 px
const CARE = { minText: 24, minTarget: 60, ratio: 1.3 };
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');

// Every check the suite runs, with the fault planted for it in the broken site: the self-test
// demands that each check reports that very fault (page, and a piece of the message).
const CHECKS = {
  axe: ['index.html', 'color-contrast'],
  links: ['index.html', 'broken link /missing.html'],
  'links#': ['index.html', 'missing fragment #nowhere'],
  'nojs-text': ['index.html', 'text differs without JavaScript'],
  'mobile-scroll': ['index.html', 'scrolls sideways'],
  'mobile-overlap': ['index.html', '「上一行文字」×「压在上一行上的文字」'],
  'mobile-header': ['index.html', 'search button「搜索」is on a line of its own at 360px'],
  'chart-name': ['index.html', 'chart without accessible name'],
  'chart-name#svg': ['2000/charts/bad.svg', 'SVG without role="img"'],
  'data-table': ['2000/indicators/x.html', 'without its data table'],
  'chart-overlap': ['2000/charts/bad.svg', '「二〇二一年」overlaps「二〇二二年」'],
  'chart-overlap#bar': ['2000/charts/bad.svg', '「1234」overlaps a bar'],
  'chart-cjk': ['2000/charts/bad.svg', 'not a font of its stack'],
  'chart-contrast': ['2000/charts/bad.svg', '#DDDDDD has 1.36:1'],
  'chart-colour-blind': ['2000/charts/bad.svg', 'ΔE apart for deutan vision'],
  'chart-colour-blind#legend': ['2000/charts/bad.svg', 'has no labelled legend entry'],
  print: ['index.html', 'navigation element(s) printed'],
  'print#a4': ['index.html', 'not A4'],
  'print#wide': ['index.html', 'wider than the A4 text block'],
  'print#clip': ['index.html', 'cut off in print: div.scroller'],
  vnu: ['index.html', '“img” element must have an “alt” attribute'],
  'care-link': ['index.html', 'no link to the 关怀版 page care/index.html'],
  // the 关怀版 at the strict reading of the 工信部 适老化 rules, each number on its own
  'axe#care': ['care/index.html', 'color-contrast'],
  'axe#care360': ['care/index.html', 'at 360px'],
  'mobile-scroll#care': ['care/index.html', 'scrolls sideways'],
  'care-type': ['care/index.html', 'text at 14px < 24px'],
  'care-type#heading': ['care/index.html', 'heading h1 at 14px is not larger than the body text'],
  'care-spacing': ['care/index.html', 'line-height 1.20 × font-size < 1.3'],
  'care-spacing#paragraph': ['care/index.html', 'paragraph gap 4px < 1.3 × line-height'],
  'care-targets': ['care/index.html', 'target a「标准版」'],
  'care-underline': ['care/index.html', 'link「标准版」is not underlined'],
  'care-chart': ['care/index.html', 'chart text 10px at 360px < 24px'],
  'forced-colours': ['2000/indicators/x.html', 'focused link shows no outline in forced colours'],
  'forced-colours#border': ['2000/indicators/x.html', 'chart ../charts/bad.svg has no border in forced colours'],
  // 站内搜索 (issue 14): the broken site's search.js ranks wrong and tokenizes without NFKC
  search: ['search.html', '「失业」: expected 2000/indicators/x.html first'],
  'search#file': ['search.html', 'over file://: query「失业」: expected 2000/indicators/x.html first'],
  'search#none': ['search.html', '「无此词语」: expected no result'],
  'search-tokens': ['search.html', 'tokens of「１２３４５」'],
  'search#format': ['search.html (another format)', 'no note that 2000年度\'s index is of another format'],
};

// The fixed query set of issue 14, and the page each must put first on the example site
// (null: no page may be found). The same queries run over http:// (the suite's server) and
// file://, on the site-wide page, an edition's page and the 关怀版 copy.
const SEARCHES = {
  site: [
    ['城镇登记失业率', '2023/indicators/employment.unemployment_rate.html'],
    // three 2023 indicators are titled with 失业: any of them, before every other page
    ['失业', ['2023/indicators/employment.unemployment_benefit.html', '2023/indicators/employment.unemployment_rate.html',
      '2023/indicators/insurance.unemployment.html']],
    ['公开', '2023/nianbao.html'],
    ['人社局', '2023/index.html'],
    ['2023', '2023/index.html'],
    ['101.05', '2023/index.html'],
    ['复议', '2023/nianbao.html'], // inside 行政复议: no dictionary needed
    ['量子纠缠', null],
  ],
  broken: [
    ['失业', '2000/indicators/x.html'],
    ['无此词语', null],
  ],
};

// ---------- results ----------

/** One suite run over one site: results per check and subject (page or file). */
class Results {
  constructor() { this.items = []; }
  add(check, subject, problems) {
    this.items.push({ check, subject, problems: problems.filter(Boolean) });
  }
  failures() { return this.items.filter((r) => r.problems.length > 0); }
}

// ---------- static server ----------

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8',
  '.js': 'text/javascript', '.pdf': 'application/pdf', '.txt': 'text/plain; charset=utf-8' };

/** Serves the site at `root`; `instead` maps a path (relative to the root) to the bytes to
 *  serve in its place. */
function serve(root, instead = {}) {
  const server = createServer(async (req, res) => {
    try {
      let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (p.endsWith('/')) p += 'index.html';
      const file = path.join(root, path.normalize(p));
      if (!file.startsWith(root + path.sep)) throw new Error('outside root');
      const rel = path.relative(root, file).split(path.sep).join('/');
      const body = rel in instead ? instead[rel] : await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function walk(dir, base = dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

// ---------- in-page probes (run inside Chromium) ----------

/** Links, ids, text, chart names and tables of the loaded page. */
function probePage() {
  const attr = (sel, a) => [...document.querySelectorAll(sel)].map((e) => e.getAttribute(a)).filter((v) => v !== null);
  const srcset = attr('img[srcset],source[srcset]', 'srcset').flatMap((s) => s.split(',').map((x) => x.trim().split(/\s+/)[0]));
  const links = [...attr('a[href]', 'href'), ...attr('link[href]', 'href'), ...attr('img[src]', 'src'),
    ...attr('script[src]', 'src'), ...attr('iframe[src]', 'src'), ...attr('object[data]', 'data'), ...srcset]
    .map((h) => { try { return new URL(h, location.href).href; } catch { return 'invalid:' + h; } });
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id)
    .concat([...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')));
  const name = (el) => {
    if (el.tagName.toLowerCase() === 'img') return (el.getAttribute('alt') || '').trim();
    const lb = el.getAttribute('aria-labelledby');
    if (lb) return lb.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
    return (el.getAttribute('aria-label') || el.querySelector(':scope > title')?.textContent || '').trim();
  };
  const charts = [...document.querySelectorAll('img[src$=".svg"], figure img, main svg')]
    .map((el) => ({ what: el.outerHTML.slice(0, 100), name: name(el) }));
  // A chart not worth drawing (every figure withheld, or one point) is a notice with its sentence.
  const chartNotes = [...document.querySelectorAll('.chart-note')].filter((n) => n.textContent.trim()).length;
  const tables = [...document.querySelectorAll('table')].map((t) => ({
    cls: t.className, caption: t.caption?.textContent.trim() || '', rows: t.tBodies[0]?.rows.length || 0 }));
  const careLinks = [...document.querySelectorAll('a[href]')]
    .map((a) => ({ href: new URL(a.getAttribute('href'), location.href).href, text: a.textContent.trim() }));
  return { links, ids, charts, chartNotes, tables, careLinks, text: document.body.innerText.replace(/\s+/g, ' ').trim() };
}

/**
 * The 关怀版's 适老化 numbers on the loaded page (工信部《互联网网站适老化通用设计规范》, strict
 * reading): text ≥ 18 pt = 24 px and headings larger, line height ≥ 1.3 × font size, the gap
 * between paragraphs ≥ 1.3 × their line height, click targets ≥ 60 × 60 px, links underlined,
 * chart text (the SVG's smallest font size × the image's rendered scale) ≥ 24 px. Links inside
 * running prose (.narrative p, .narrative li) are exempt from the target size: WCAG 2.5.8's
 * inline exception, their sentence's line height decides it.
 */
async function probeCare({ minText, minTarget, ratio, width }) {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('.visually-hidden');
  const snippet = (el) => el.textContent.replace(/\s+/g, ' ').trim().slice(0, 16);
  const name = (e) => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
    ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const px = (v) => parseFloat(v);
  // every element that holds text of its own, once
  const holders = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (n.textContent.trim() && el && !['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) holders.add(el);
  }
  const small = [];
  const tight = [];
  for (const el of holders) {
    if (!shown(el) && !el.classList.contains('skip-link')) continue;
    const cs = getComputedStyle(el);
    const size = px(cs.fontSize);
    if (size < minText - 0.01) small.push(`text at ${size}px < ${minText}px: ${name(el)}「${snippet(el)}」`);
    const lh = cs.lineHeight === 'normal' ? NaN : px(cs.lineHeight);
    if (!(lh / size >= ratio - 0.001)) {
      tight.push(`line-height ${Number.isNaN(lh) ? 'normal' : (lh / size).toFixed(2)} × font-size < ${ratio}: ${name(el)}「${snippet(el)}」`);
    }
  }
  const body = px(getComputedStyle(document.body).fontSize);
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(shown)
    .map((h) => [h, px(getComputedStyle(h).fontSize)])
    .filter(([, size]) => size <= Math.max(body, minText))
    .map(([h, size]) => `heading ${h.tagName.toLowerCase()} at ${size}px is not larger than the body text (${Math.max(body, minText)}px)「${snippet(h)}」`);
  // paragraph spacing: the rendered gap between two paragraphs that follow each other
  const gaps = [];
  for (const p of document.querySelectorAll('main p')) {
    const q = p.nextElementSibling;
    if (!q || q.tagName !== 'P' || !shown(p) || !shown(q)) continue;
    if (getComputedStyle(p).display !== 'block' || getComputedStyle(q).display !== 'block') continue;
    const gap = q.getBoundingClientRect().top - p.getBoundingClientRect().bottom;
    const lh = Math.max(px(getComputedStyle(p).lineHeight), px(getComputedStyle(q).lineHeight));
    if (!(gap >= ratio * lh - 0.1)) gaps.push(`paragraph gap ${+gap.toFixed(1)}px < ${ratio} × line-height ${+lh.toFixed(1)}px = ${+(ratio * lh).toFixed(1)}px after「${snippet(p)}」`);
  }
  // click targets; a link moved off screen until focused (the skip link) is measured focused
  const targets = [];
  const plain = [];
  for (const a of document.querySelectorAll('a[href], button, summary, [role="button"], input:not([type="hidden"]), select')) {
    let r = a.getBoundingClientRect();
    const away = r.right <= 0 || r.bottom <= 0;
    if (away) { a.focus(); r = a.getBoundingClientRect(); }
    if (shown(a) && !a.closest('.narrative p, .narrative li')) {
      const rects = [...a.getClientRects()];
      const low = rects.filter((x) => x.height < minTarget - 0.01 || x.width < minTarget - 0.01);
      if (low.length) {
        targets.push(`target ${a.tagName.toLowerCase()}「${snippet(a)}」is ${low.map((x) => `${+x.width.toFixed(1)}×${+x.height.toFixed(1)}`).join(' + ')}px < ${minTarget}×${minTarget}px (${name(a.parentElement)})`);
      }
    }
    if (a.tagName === 'A' && shown(a)) {
      const lines = [a, ...a.querySelectorAll('*')].some((e) => getComputedStyle(e).textDecorationLine.includes('underline'));
      if (!lines) plain.push(`link「${snippet(a)}」is not underlined: its colour alone marks it (${name(a.parentElement)})`);
    }
    if (away) { a.blur(); }
  }
  // chart images: the smallest font size in the SVG, times the scale it is shown at
  const charts = [];
  for (const img of document.querySelectorAll('img[src$=".svg"]')) {
    if (!shown(img)) continue;
    const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), 'image/svg+xml').documentElement;
    const vb = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
    const drawn = vb.length === 4 ? vb[2] : px(svg.getAttribute('width'));
    // The computed size, whether an attribute or the chart's own <style> sets it: the SVG
    // goes into a shadow root for the measurement, where its classes cannot touch the page.
    const host = document.body.appendChild(document.createElement('div'));
    host.attachShadow({ mode: 'open' }).appendChild(document.importNode(svg, true));
    const sizes = [...host.shadowRoot.querySelectorAll('text')].filter((t) => t.textContent.trim())
      .map((t) => px(getComputedStyle(t).fontSize));
    host.remove();
    if (!sizes.length || !drawn) continue;
    const scale = img.getBoundingClientRect().width / drawn;
    const least = Math.min(...sizes) * scale;
    if (least < minText - 0.01) {
      charts.push(`chart text ${+least.toFixed(1)}px at ${width}px < ${minText}px: ${img.getAttribute('src')} (font-size ${Math.min(...sizes)} in a ${drawn}px drawing shown ${+img.getBoundingClientRect().width.toFixed(1)}px wide)`);
    }
  }
  return { small, headings, tight, gaps, targets, plain, charts };
}

/** With forced colours (Windows high contrast) emulated: each kind of focusable element keeps a
 * visible outline when focused from the keyboard, and every chart image and table scroller a
 * border (the scroll shadows are backgrounds, which forced colours remove). */
function probeForced() {
  const problems = [];
  if (!matchMedia('(forced-colors: active)').matches) return ['forced colours not emulated'];
  const drawn = (w, style) => style !== 'none' && style !== 'hidden' && parseFloat(w) >= 1;
  const kinds = { 'main a[href]': 'link', '.table-scroll[tabindex]': 'table scroller', '.care-toggle': '关怀版 toggle',
    '.site-nav a': 'navigation link' };
  for (const [sel, name] of Object.entries(kinds)) {
    const el = document.querySelector(sel);
    if (!el) continue;
    el.focus({ focusVisible: true });
    const cs = getComputedStyle(el);
    if (document.activeElement !== el || !el.matches(':focus-visible')) problems.push(`${name} cannot take keyboard focus`);
    else if (!drawn(cs.outlineWidth, cs.outlineStyle)) {
      problems.push(`focused ${name} shows no outline in forced colours (${cs.outlineStyle} ${cs.outlineWidth})`);
    }
    el.blur();
  }
  for (const img of document.querySelectorAll('figure img')) {
    const cs = getComputedStyle(img);
    if (!drawn(cs.borderTopWidth, cs.borderTopStyle)) problems.push(`chart ${img.getAttribute('src')} has no border in forced colours`);
  }
  for (const t of document.querySelectorAll('.table-scroll')) {
    const cs = getComputedStyle(t);
    if (!drawn(cs.borderTopWidth, cs.borderTopStyle)) problems.push(`table scroller「${t.textContent.replace(/\s+/g, ' ').trim().slice(0, 20)}」has no border in forced colours`);
  }
  return problems;
}

/** At phone width: horizontal overflow and pairs of overlapping text boxes in <main>. */
function probeMobile() {
  const overflow = document.scrollingElement.scrollWidth - window.innerWidth;
  const boxes = [];
  const main = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let id = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
    // text inside a horizontal scroller is only visible within the scroller's box
    const clip = el.closest('.table-scroll')?.getBoundingClientRect();
    range.selectNodeContents(n);
    id += 1;
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      const l = clip ? Math.max(r.left, clip.left) : r.left;
      const rt = clip ? Math.min(r.right, clip.right) : r.right;
      if (rt - l < 1) continue;
      boxes.push({ id, l, r: rt, t: r.top, b: r.bottom, text: n.textContent.trim().slice(0, 30) });
    }
  }
  boxes.sort((a, b) => a.t - b.t);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j].t < boxes[i].b; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.id === b.id) continue;
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
      const h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      // half a line of overlap at least: touching line boxes of adjacent inline runs are fine
      if (w > 2 && h > Math.min(a.b - a.t, b.b - b.t) / 2) overlaps.push(`「${a.text}」×「${b.text}」`);
    }
  }
  // the header's search form: its button shares a line with the box or the 关怀版 toggle (a
  // button on a line of its own made the header ~80 px taller), and its label, shown or not,
  // still names the box for a screen reader
  const header = [];
  const form = document.querySelector('header form[role="search"]');
  if (form) {
    const input = form.querySelector('input[type="search"]');
    const button = form.querySelector('button, input[type="submit"]');
    const toggle = document.querySelector('header .care-toggle');
    const rect = (e) => e && e.getBoundingClientRect();
    const sameLine = (a, b) => a && b && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > Math.min(a.height, b.height) / 2;
    if (button && ![input, toggle].some((e) => sameLine(rect(e), rect(button)))) {
      header.push(`the header's search button「${button.textContent.trim()}」is on a line of its own at 360px`);
    }
    const label = input?.labels?.[0];
    if (!label || !label.textContent.trim()) header.push("the header's search box has no label");
    else if (!label.checkVisibility({ visibilityProperty: true }) || label.closest('[aria-hidden="true"]')) {
      header.push(`the label「${label.textContent.trim()}」of the header's search box is hidden from screen readers`);
    }
  }
  return { overflow, overlaps: overlaps.slice(0, 5), count: overlaps.length, header };
}

/** Width in CSS px of the A4 text block: 210 mm less the side margins of the @page rule. */
function probePrintBlock() {
  const px = (v) => {
    const m = /^([\d.]+)(mm|cm|in|pt|px)$/.exec((v || '').trim());
    return m ? Number(m[1]) * { mm: 96 / 25.4, cm: 96 / 2.54, in: 96, pt: 96 / 72, px: 1 }[m[2]] : 0;
  };
  let left = 0;
  let right = 0;
  const visit = (rules) => {
    for (const r of rules) {
      if (r instanceof CSSPageRule) {
        left = px(r.style.marginLeft) || left;
        right = px(r.style.marginRight) || right;
      } else if (r.cssRules) visit(r.cssRules);
    }
  };
  for (const sheet of document.styleSheets) {
    try { visit(sheet.cssRules); } catch { /* a sheet from elsewhere: not readable */ }
  }
  return Math.floor((210 * 96) / 25.4 - left - right);
}

/** In print media at the text block's width: how far the page sticks out, and scrollers that cut content off. */
function probePrintFit() {
  const name = (e) => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
    ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const overflow = document.scrollingElement.scrollWidth - window.innerWidth;
  const widest = [...document.querySelectorAll('main *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map((e) => `${name(e)} reaches ${Math.round(e.getBoundingClientRect().right)}px`)[0] || '';
  const clipped = [...document.querySelectorAll('main *')].filter((e) => {
    const o = getComputedStyle(e).overflowX;
    return (o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth + 1
      && e.getClientRects().length > 0;
  }).slice(0, 3).map((e) => `${name(e)} shows ${e.clientWidth} of ${e.scrollWidth}px`);
  return { overflow, widest, clipped };
}

/** Chart SVG loaded as a document: text boxes, fills and strokes. */
function probeSvg() {
  const svg = document.documentElement;
  const vb = svg.viewBox.baseVal;
  // Computed paints, as charts set them through classes of their <style>: '#RRGGBB', or null
  // for none. (rgba with alpha 0 is none too.)
  const hex = (c) => {
    const m = /^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)$/.exec(c || '');
    if (!m || m[4] === '0') return null;
    return '#' + m.slice(1, 4).map((v) => (+v).toString(16).padStart(2, '0')).join('').toUpperCase();
  };
  const texts = [...document.querySelectorAll('text')].map((t) => {
    const b = t.getBBox();
    const cs = getComputedStyle(t);
    return { text: t.textContent.trim(), x: b.x, y: b.y, w: b.width, h: b.height,
      // The computed family: charts set the stack once on the root <svg> and texts inherit it.
      fill: hex(cs.fill), family: cs.fontFamily };
  });
  const shapes = [...document.querySelectorAll('rect,circle,path,polygon,ellipse,polyline')].map((s) => {
    const b = s.getBBox();
    const cs = getComputedStyle(s);
    return { tag: s.tagName, fill: hex(cs.fill), stroke: hex(cs.stroke),
      x: b.x, y: b.y, w: b.width, h: b.height,
      background: b.width >= vb.width && b.height >= vb.height };
  });
  return { texts, shapes, title: document.querySelector('title')?.textContent || '',
    label: svg.getAttribute('aria-label') || '', role: svg.getAttribute('role') || '' };
}

// ---------- colour ----------

function parseColour(c) {
  if (!c) return null;
  c = c.trim().toLowerCase();
  const named = { white: '#ffffff', black: '#000000', red: '#ff0000', yellow: '#ffff00', silver: '#c0c0c0' };
  c = named[c] || c;
  let m = c.match(/^#([0-9a-f]{3})$/);
  if (m) return [...m[1]].map((h) => parseInt(h + h, 16));
  m = c.match(/^#([0-9a-f]{6})$/);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = c.match(/^rgba?\((\d+),\s*(\d+),\s*(\d+)/);
  if (m) return m.slice(1, 4).map(Number);
  return null;
}
function luminance([r, g, b]) {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

// Colour vision deficiency simulation (Machado, Oliveira & Fernandes 2009, severity 1.0, on
// linear RGB), then CIE76 ΔE in Lab: two fills a reader must tell apart need ΔE ≥ 20 for
// normal vision and for each simulated deficiency.
const CVD = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protan: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deutan: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  tritan: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};
const toLinear = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
function lab(linear) {
  const [r, g, b] = linear.map((v) => Math.min(1, Math.max(0, v)));
  const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
  const f = (t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const [fx, fy, fz] = xyz.map(f);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}
function cvdDistance(a, b, kind) {
  const m = CVD[kind];
  const sim = (c) => lab(m.map((row) => row.reduce((s, k, i) => s + k * toLinear(c[i]), 0)));
  const [p, q] = [sim(a), sim(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

// ---------- the suite ----------

/** A tab of `context` that emulates forced colours (as Windows high contrast sets them). */
async function forcedPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value: 'active' }] });
  return page;
}

const CJK = /[\u3400-\u9fff]/;

async function checkSite(site, browser, results, { shots, label, only = /(?:)/ }) {
  const server = await serve(site);
  const origin = `http://127.0.0.1:${server.address().port}/`;
  const files = await walk(site);
  const pages = files.filter((f) => f.endsWith('.html') && only.test(f));
  const svgs = files.filter((f) => f.endsWith('.svg') && !f.startsWith('care/') && !f.startsWith('static/') && only.test(f));
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const nojs = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const mobile = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  const ids = new Map(); // page URL → Set of ids
  const linkRefs = new Map(); // URL (with fragment) → first page that uses it

  const checkPage = async (rel, tabs) => {
    const url = origin + rel;
    const [d, n, m, f] = tabs;
    const resp = await d.goto(url, { waitUntil: 'load' });
    if (!resp || resp.status() !== 200) {
      results.add('links', rel, [`page itself returned ${resp?.status()}`]);
      return;
    }
    const info = await d.evaluate(probePage);
    ids.set(url, new Set(info.ids));
    for (const l of info.links) if (!linkRefs.has(l)) linkRefs.set(l, rel);

    const care = rel.startsWith('care/');
    const axeOn = async (tab) => {
      await tab.addScriptTag({ content: AXE_SOURCE });
      return tab.evaluate(async ({ tags, care }) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
        let v = r.violations;
        if (care) {
          // 关怀版 promises strong contrast: the AAA contrast rule (7:1) too
          const aaa = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast-enhanced'] } });
          v = v.concat(aaa.violations);
        }
        return v.map((x) => `${x.id}: ${x.help} (${x.nodes.length}×, e.g. ${x.nodes[0]?.target.join(' ')})`);
      }, { tags: AXE_TAGS, care });
    };
    results.add('axe', rel, await axeOn(d));

    results.add('chart-name', rel, info.charts.filter((c) => !c.name).map((c) => `chart without accessible name: ${c.what}`));
    if (/(^|\/)indicators\/[^/]+\.html$/.test(rel)) {
      const hist = info.tables.find((t) => /\bhistory\b/.test(t.cls));
      results.add('data-table', rel, [!hist ? 'indicator page without its data table (table.history)'
        : hist.rows === 0 ? 'data table has no rows' : !hist.caption ? 'data table has no caption' : null,
      info.charts.length === 0 && info.chartNotes === 0 ? 'indicator page without a chart or a chart notice' : null]);
    }

    // forced colours (Windows high contrast), on every indicator page: focus rings and frames stay
    if (/(^|\/)indicators\/[^/]+\.html$/.test(rel)) {
      await f.goto(url, { waitUntil: 'load' });
      results.add('forced-colours', rel, await f.evaluate(probeForced));
    }

    // 关怀版: every page links to its counterpart, and the care version is large and roomy
    const counterpart = origin + (care ? rel.slice('care/'.length) : 'care/' + rel);
    results.add('care-link', rel, [info.careLinks.some((a) => a.href === counterpart) ? null
      : `no link to ${care ? 'the standard page' : 'the 关怀版 page'} ${counterpart.slice(origin.length)}`]);
    const careAt = {};
    if (care) careAt[1280] = await d.evaluate(probeCare, { ...CARE, width: 1280 });

    await n.goto(url, { waitUntil: 'load' });
    const plain = await n.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').trim());
    // A search page is the one page that differs on purpose: without JavaScript it says that
    // search needs it and links the 网站地图 (<noscript>), with it it offers the search. The
    // `search` check tests what it does; here its text must merely be there.
    const searchPage = /(^|\/)search\.html$/.test(rel);
    results.add('nojs-text', rel, [!info.text || !plain ? 'blank page' : plain === info.text || searchPage ? null
      : `text differs without JavaScript (${plain.length} vs ${info.text.length} chars)`]);

    await m.goto(url, { waitUntil: 'load' });
    const mob = await m.evaluate(probeMobile);
    results.add('mobile-scroll', rel, [mob.overflow > 0 ? `scrolls sideways by ${mob.overflow}px at 360px` : null]);
    results.add('mobile-header', rel, mob.header);
    results.add('mobile-overlap', rel, mob.overlaps.map((o) => `overlapping text at 360px: ${o}`)
      .concat(mob.count > 5 ? [`…and ${mob.count - 5} more`] : []));
    if (care) {
      // the 关怀版's large type and charts make scrollers of tables and figures on a phone:
      // axe again at 360 px (a scroller must take the focus, contrast where text wraps)
      results.add('axe', rel, (await axeOn(m)).map((v) => `${v} at 360px`));
      careAt[360] = await m.evaluate(probeCare, { ...CARE, width: 360 });
      const both = (key) => [...new Set([1280, 360].flatMap((w) => careAt[w][key].map((p) => `${p} at ${w}px`)))];
      // every problem is kept (the report prints the first five of each page)
      results.add('care-type', rel, [...both('small'), ...both('headings')]);
      results.add('care-spacing', rel, [...both('tight'), ...both('gaps')]);
      results.add('care-targets', rel, both('targets'));
      results.add('care-underline', rel, both('plain'));
      results.add('care-chart', rel, [...careAt[1280].charts, ...careAt[360].charts]);
    }

    // print: navigation hidden, content kept, and every table within the A4 text block
    // (the home page, each edition, and the annual reports with their 15-column table 四)
    if (/(^|\/)\d{4}\/(index|nianbao)\.html$/.test(rel) || rel === 'index.html' || rel.includes('broken-print')) {
      await d.emulateMedia({ media: 'print' });
      const pr = await d.evaluate(() => {
        const shown = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length > 0).length;
        return { nav: shown('nav, .skip-link'), main: (document.querySelector('main')?.innerText || '').trim().length };
      });
      // lay the page out at the width of the A4 text block (A4 less the @page side margins),
      // as printing does: nothing may stick out of it, nor be cut off inside a scroller
      const block = await d.evaluate(probePrintBlock);
      await d.setViewportSize({ width: block, height: 900 });
      const fit = await d.evaluate(probePrintFit);
      await d.setViewportSize({ width: 1280, height: 900 });
      await d.emulateMedia({ media: null });
      // the theme's @page rule decides the paper: every page of the PDF must be A4
      const pdf = (await d.pdf({ preferCSSPageSize: true })).toString('latin1');
      const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((x) => [+x[1], +x[2]]);
      const notA4 = boxes.filter(([w, h]) => Math.abs(w - 595.3) > 2 || Math.abs(h - 841.9) > 2);
      results.add('print', rel, [pr.nav ? `${pr.nav} navigation element(s) printed` : null,
        pr.main ? null : 'main content not printed',
        !boxes.length ? 'printed PDF has no pages' : null,
        fit.overflow > 0 ? `printed content is ${fit.overflow}px wider than the A4 text block (${block}px): ${fit.widest}` : null,
        ...fit.clipped.map((c) => `cut off in print: ${c}`),
        notA4.length ? `printed on ${notA4[0].map(Math.round).join('×')} pt paper, not A4 (595×842)` : null]);
    }
  };

  // pages, a few at a time
  const queue = [...pages];
  await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, async () => {
    const tabs = [await desktop.newPage(), await nojs.newPage(), await mobile.newPage(), await forcedPage(desktop)];
    for (let rel = queue.shift(); rel; rel = queue.shift()) {
      try { await checkPage(rel, tabs); } catch (e) { results.add('links', rel, [`could not check page: ${e.message}`]); }
    }
    for (const t of tabs) await t.close();
  }));

  // every internal link and resource resolves, and its #fragment exists
  const status = new Map();
  const broken = new Map(); // page → problems
  const note = (page, msg) => { if (!broken.has(page)) broken.set(page, []); broken.get(page).push(msg); };
  for (const [link, page] of linkRefs) {
    if (link.startsWith('invalid:')) { note(page, `invalid URL ${link.slice(8)}`); continue; }
    const u = new URL(link);
    if (u.protocol === 'data:' || u.protocol === 'mailto:' || u.protocol === 'tel:') continue;
    if (u.origin + '/' !== origin) continue; // external: not followed (no network in CI)
    const target = u.origin + u.pathname;
    if (!status.has(target)) status.set(target, (await fetch(target, { method: 'HEAD' })).status);
    if (status.get(target) !== 200) { note(page, `broken link ${decodeURIComponent(u.pathname)} (${status.get(target)})`); continue; }
    if (u.hash && u.hash !== '#') {
      const frag = decodeURIComponent(u.hash.slice(1));
      let set = ids.get(target);
      if (!set) {
        const body = await (await fetch(target)).text();
        set = new Set([...body.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((x) => x[1]));
        ids.set(target, set);
      }
      if (!set.has(frag)) note(page, `missing fragment #${frag} in ${decodeURIComponent(u.pathname)}`);
    }
  }
  for (const p of pages) results.add('links', p, broken.get(p) || []);

  // chart SVGs: labels clear of each other and of the bars, CJK from a real CJK font, colours ≥ 3:1
  const chartPage = await desktop.newPage();
  const cdp = await desktop.newCDPSession(chartPage);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  for (const rel of svgs) {
    await chartPage.goto(origin + rel, { waitUntil: 'load' });
    const s = await chartPage.evaluate(probeSvg);
    const overlap = [];
    const box = (a, b) => Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1
      && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1;
    for (let i = 0; i < s.texts.length; i++) {
      for (let j = i + 1; j < s.texts.length; j++) {
        if (box(s.texts[i], s.texts[j])) overlap.push(`「${s.texts[i].text}」overlaps「${s.texts[j].text}」`);
      }
      for (const sh of s.shapes) {
        if (sh.background || sh.tag !== 'rect' || !parseColour(sh.fill) || sh.fill.toLowerCase() === '#ffffff') continue;
        if (box(s.texts[i], sh)) overlap.push(`「${s.texts[i].text}」overlaps a bar at ${sh.x},${sh.y}`);
      }
    }
    results.add('chart-overlap', rel, overlap.slice(0, 5));

    const white = [255, 255, 255];
    const low = [];
    for (const sh of s.shapes) {
      if (sh.background) continue;
      for (const [what, c] of [['fill', sh.fill], ['stroke', sh.stroke]]) {
        const rgb = parseColour(c);
        if (!rgb || c.toLowerCase() === '#ffffff') continue;
        if (contrast(rgb, white) < 3) low.push(`${sh.tag} ${what} ${c} has ${contrast(rgb, white).toFixed(2)}:1 against white`);
      }
    }
    for (const t of s.texts) {
      const rgb = parseColour(t.fill);
      if (rgb && contrast(rgb, white) < 4.5) low.push(`text「${t.text}」${t.fill} has ${contrast(rgb, white).toFixed(2)}:1`);
    }
    results.add('chart-contrast', rel, [...new Set(low)]);

    // no meaning by colour alone: every bar colour has a labelled legend swatch, and bar
    // colours stay apart for protanopia, deuteranopia and tritanopia
    const filled = s.shapes.filter((sh) => sh.tag === 'rect' && !sh.background && parseColour(sh.fill)
      && sh.fill.toLowerCase() !== '#ffffff');
    const labelled = (sh) => s.texts.some((t) => t.x >= sh.x + sh.w - 1 && t.x - (sh.x + sh.w) < 16
      && t.y < sh.y + sh.h && t.y + t.h > sh.y);
    const swatches = filled.filter((sh) => sh.w <= 24 && sh.h <= 24 && labelled(sh));
    const bars = filled.filter((sh) => !swatches.includes(sh));
    const colours = [...new Set(bars.map((b) => b.fill.toUpperCase()))];
    const legend = [];
    for (const c of colours) {
      if (!swatches.some((sw) => sw.fill.toUpperCase() === c)) legend.push(`bar colour ${c} has no labelled legend entry`);
    }
    for (let i = 0; i < colours.length; i++) {
      for (let j = i + 1; j < colours.length; j++) {
        for (const kind of Object.keys(CVD)) {
          const d = cvdDistance(parseColour(colours[i]), parseColour(colours[j]), kind);
          if (d < 20) legend.push(`bars ${colours[i]} and ${colours[j]} are ${d.toFixed(1)} ΔE apart for ${kind} vision (< 20)`);
        }
      }
    }
    results.add('chart-colour-blind', rel, legend);
    results.add('chart-name', rel, [s.role === 'img' && (s.title.trim() || s.label.trim()) ? null
      : 'SVG without role="img" and a <title>']);

    // which font Chromium actually drew the CJK text with: it must be one the chart asks for
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'text' });
    const cjk = [];
    for (const [k, nodeId] of nodeIds.entries()) {
      const t = s.texts[k];
      if (!t || !CJK.test(t.text)) continue;
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const wanted = (t.family || '').split(',').map((f) => f.trim().replace(/^["']|["']$/g, '').toLowerCase());
      const used = fonts.filter((f) => f.glyphCount > 0).map((f) => f.familyName);
      if (!used.some((f) => wanted.includes(f.toLowerCase()))) {
        cjk.push(`「${t.text}」drawn with ${used.join(', ') || 'no font'}, not a font of its stack (${t.family})`);
      }
    }
    results.add('chart-cjk', rel, cjk.slice(0, 3));
  }
  await chartPage.close();

  if (shots) await screenshots(desktop, mobile, origin, pages, shots, label);
  await desktop.close();
  await nojs.close();
  await mobile.close();
  server.close();
  return pages;
}

async function screenshots(desktop, mobile, origin, pages, dir, label) {
  await mkdir(dir, { recursive: true });
  const edition = pages.filter((p) => /^\d{4}\/index\.html$/.test(p)).pop();
  const indicator = pages.filter((p) => /^\d{4}\/indicators\//.test(p) && p.startsWith(edition?.slice(0, 4))).find(Boolean);
  const nianbao = edition?.replace(/index\.html$/, 'nianbao.html');
  const wanted = [['home', 'index.html'], ['edition', edition], ['indicator', indicator], ['nianbao', nianbao],
    ['care-home', 'care/index.html'], ['care-edition', edition && 'care/' + edition],
    ['care-indicator', indicator && 'care/' + indicator],
    ['care-nianbao', nianbao && 'care/' + nianbao]]
    .filter(([, p]) => p && pages.includes(p));
  for (const [name, p] of wanted) {
    for (const [ctx, w] of [[desktop, 1280], [mobile, 360]]) {
      const page = await ctx.newPage();
      await page.goto(origin + p, { waitUntil: 'load' });
      await page.screenshot({ path: path.join(dir, `${label}${name}-${w}.png`), fullPage: true });
      await page.close();
    }
  }
  // forced colours, with the first chart download link focused: its ring and the chart frame
  if (indicator && pages.includes(indicator)) {
    for (const [ctx, w] of [[desktop, 1280], [mobile, 360]]) {
      const page = await forcedPage(ctx);
      await page.goto(origin + indicator, { waitUntil: 'load' });
      await page.evaluate(() => document.querySelector('.chart-downloads a, main a[href]')?.focus({ focusVisible: true }));
      await page.screenshot({ path: path.join(dir, `${label}forced-indicator-${w}.png`), fullPage: true });
      await page.close();
    }
  }
  // printed to A4: the edition's first three pages, and the whole annual report
  for (const [name, p, last] of [['edition', edition, '3'], ['nianbao', nianbao, '99']]) {
    if (!p || !pages.includes(p)) continue;
    const page = await desktop.newPage();
    await page.goto(origin + p, { waitUntil: 'load' });
    const pdf = path.join(dir, `${label}${name}-print.pdf`);
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    await page.close();
    try {
      await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', last, pdf, path.join(dir, `${label}${name}-print`)]);
    } catch (e) {
      console.log(`(pdftoppm unavailable, print kept as PDF only: ${e.message.split('\n')[0]})`);
    }
  }
}

/** Nu HTML Checker over every HTML file and chart SVG: errors per file. */
async function checkValidity(site, results) {
  const files = (await walk(site)).filter((f) => f.endsWith('.html') || (f.endsWith('.svg') && !f.startsWith('care/')));
  const abs = files.map((f) => path.join(site, f));
  let out;
  try {
    out = await run('java', ['-jar', VNU_JAR, '--errors-only', '--also-check-svg', '--format', 'json', ...abs],
      { maxBuffer: 64 << 20 });
  } catch (e) {
    out = e; // vnu exits 1 when it found errors; its report is still on stderr
  }
  let report;
  try { report = JSON.parse(out.stderr); } catch {
    results.add('vnu', '(run)', [`Nu HTML Checker did not run: ${String(out.stderr || out.message).slice(0, 300)}`]);
    return;
  }
  const byFile = new Map();
  for (const m of report.messages) {
    if (m.type !== 'error' && m.subType !== 'fatal') continue;
    const f = m.url ? path.relative(site, fileURLToPath(m.url)).split(path.sep).join('/') : '(unknown)';
    if (!byFile.has(f)) byFile.set(f, []);
    byFile.get(f).push(`line ${m.lastLine}: ${m.message}`);
  }
  for (const f of files) results.add('vnu', f, byFile.get(f) || []);
}

async function suite(site, browser, opts) {
  const results = new Results();
  await checkSite(site, browser, results, opts);
  await checkValidity(site, results);
  if ('search.html'.match(opts.only || /(?:)/)) await checkSearch(site, browser, results, opts.searches);
  return results;
}

// ---------- 站内搜索 ----------

const TOKEN_CASES = JSON.parse(await readFile(path.join(ROOT, 'tests/fixtures/search/tokens.json'), 'utf8'));

/** Runs `query` on the search page at `url`; resolves to the result links (relative to the
 *  site root `base`), the status text and the bytes of the scripts the query loaded. */
async function searchOnce(tab, base, page, query, siteDir, extra = '') {
  await tab.goto(`${base}${page}?q=${encodeURIComponent(query)}${extra}`, { waitUntil: 'load' });
  await tab.waitForFunction(() => /找到|没有找到|未能加载/.test(document.getElementById('search-status')?.textContent || ''),
    null, { timeout: 10000 });
  const got = await tab.evaluate(() => ({
    links: [...document.querySelectorAll('#search-results li a')].map((a) => a.href),
    status: document.getElementById('search-status').textContent,
    live: document.getElementById('search-status').getAttribute('aria-live'),
    loaded: (window.gk && window.gk.loaded) || [],
    scope: document.getElementById('search-scope')?.hidden === false,
    runtime: document.querySelector('script[src$="search.js"]')?.src || '',
  }));
  let bytes = 0;
  for (const u of [got.runtime, ...got.loaded]) {
    const p = u.startsWith('file:') ? fileURLToPath(u) : path.join(siteDir, decodeURIComponent(new URL(u).pathname));
    try { bytes += (await stat(p)).size; } catch { /* reported as a load failure by the status */ }
  }
  const root = new URL('.', base).href;
  return { ...got, links: got.links.map((h) => (h.startsWith(root) ? h.slice(root.length) : h)), bytes };
}

/** The search check: the fixed query set over http:// and file://, the runtime's tokenizer
 *  against the shared fixtures, and an archived edition's bundle unpacked elsewhere. */
async function checkSearch(site, browser, results, searches) {
  if (!existsSync(path.join(site, 'search.html'))) {
    results.add('search', 'search.html', ['the site has no search.html']);
    return;
  }
  const server = await serve(site);
  const http = `http://127.0.0.1:${server.address().port}/`;
  const file = pathToFileURL(site + path.sep).href;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tab = await context.newPage();
  try {
    // the browser's tokenizer gives the Rust tokenizer's tokens for every shared case
    await tab.goto(`${http}search.html`, { waitUntil: 'load' });
    const wrong = await tab.evaluate((cases) => cases
      .map((c) => ({ c, got: window.gk && window.gk.tokens ? window.gk.tokens(c.text) : null }))
      .filter(({ c, got }) => JSON.stringify(got) !== JSON.stringify(c.tokens))
      .map(({ c, got }) => `tokens of「${c.text}」: ${JSON.stringify(got)}, not ${JSON.stringify(c.tokens)}`), TOKEN_CASES);
    results.add('search-tokens', 'search.html', wrong);

    const pages = [['search.html', '']];
    // an edition's own page, and the 关怀版 copy, where results lead to 关怀版 pages
    if (existsSync(path.join(site, '2023/search.html'))) pages.push(['2023/search.html', ''], ['care/search.html', 'care/']);
    for (const [base, label] of [[http, ''], [file, 'over file://: ']]) {
      for (const [page, prefix] of pages) {
        const problems = [];
        for (const [query, first] of searches) {
          const r = await searchOnce(tab, base, page, query, site);
          if (r.live !== 'polite') problems.push(`${label}the status is not a polite live region`);
          if (first === null) {
            if (r.links.length || !/没有找到/.test(r.status) || !/0 个结果/.test(r.status)) {
              problems.push(`${label}query「${query}」: expected no result and a status saying so, got ${r.links.length} (${r.status})`);
            }
          } else if (![].concat(first).some((f) => r.links[0] === prefix + f)) {
            problems.push(`${label}query「${query}」: expected ${prefix + [].concat(first).join(' or ' + prefix)} first, got ${r.links.slice(0, 3).join(', ') || r.status}`);
          } else if (!/找到 \d+ 个/.test(r.status)) {
            problems.push(`${label}query「${query}」: the status does not announce the number of results (${r.status})`);
          }
          if (base === http && page === 'search.html') {
            console.log(`  search「${query}」: ${r.links.length} result(s), ${(r.bytes / 1024).toFixed(1)} KB loaded (${r.loaded.length + 1} script(s))`);
          }
          if (page === '2023/search.html' && first !== null && !r.scope) {
            problems.push(`${label}query「${query}」: the edition's page offers no way to all editions`);
          }
        }
        results.add('search', page, problems);
      }
    }
    // the results, as a reader meets them: axe on a results page and its 关怀版 copy
    for (const page of pages.map(([p]) => p)) {
      await searchOnce(tab, http, page, searches[0][0], site);
      await tab.addScriptTag({ content: AXE_SOURCE });
      const v = await tab.evaluate(async (tags) => (await window.axe.run(document, { runOnly: { type: 'tag', values: tags } }))
        .violations.map((x) => `${x.id}: ${x.help} (e.g. ${x.nodes[0]?.target.join(' ')})`), AXE_TAGS);
      results.add('axe', `${page}?q=${searches[0][0]}`, v);
    }
    if (existsSync(path.join(site, '2023/search.html'))) {
      // the site-wide page searches the current edition first; older ones are one click
      // away, and the edition filter searches the one asked for
      const problems = [];
      const [query, first] = searches[0];
      await searchOnce(tab, http, 'search.html', query, site);
      const button = await tab.$('#search-scope button');
      if (!button) problems.push('the site-wide page offers no way to the older editions');
      else {
        await button.click();
        await tab.waitForFunction(() => /找到|没有找到/.test(document.getElementById('search-status').textContent), null, { timeout: 10000 });
        const links = await tab.evaluate(() => [...document.querySelectorAll('#search-results li a')].map((a) => a.getAttribute('href')));
        const older = first.replace(/^2023\//, '2022/');
        if (!links.some((l) => l.endsWith(older))) problems.push(`older editions: ${older} not found after the click (${links.slice(0, 5).join(', ')})`);
        if (!links[0]?.endsWith(first)) problems.push(`older editions: ${first} is no longer first (${links[0]})`);
      }
      const only = await searchOnce(tab, http, 'search.html', query, site, '&edition=2022');
      const older = first.replace(/^2023\//, '2022/');
      if (only.links[0] !== older) problems.push(`edition filter 2022: expected ${older} first, got ${only.links[0]}`);
      if (only.links.some((l) => l.startsWith('2023/'))) problems.push('edition filter 2022: a 2023 page among the results');
      results.add('search', 'search.html (editions)', problems);
      results.add('search', 'bundle', await checkBundle(tab));
    }
  } finally {
    await context.close();
    server.close();
  }
  results.add('search', 'search.html (another format)', await checkFormat(site, browser, searches));
}

/** The edition indexes the site-wide manifest lists, as served by `serve` in another format
 *  version: the site-wide page must still search the site-wide pages and say, for each such
 *  edition, that it searches it on its own page (a link there), without a script error; the
 *  edition's own page says that its index cannot be read. */
async function checkFormat(site, browser, searches) {
  let manifest;
  try {
    const text = await readFile(path.join(site, 'search/index.js'), 'utf8');
    manifest = JSON.parse(text.slice('gk.index('.length, text.lastIndexOf(');')));
  } catch (e) {
    return [`no site-wide manifest search/index.js to serve another format of: ${e.message}`];
  }
  // the newest edition (searched by the first query) and the next (after the click)
  const [newest, older] = manifest.indexes || [];
  if (!newest) return ['the site-wide manifest lists no edition index'];
  const instead = {};
  for (const x of [newest, older].filter(Boolean)) {
    const m = JSON.parse((await readFile(path.join(site, x.src), 'utf8')).replace(/^gk\.index\(/, '').replace(/\);\s*$/, ''));
    instead[x.src] = `gk.index(${JSON.stringify({ ...m, format: m.format + 1 })});\n`;
  }
  const server = await serve(site, instead);
  const http = `http://127.0.0.1:${server.address().port}/`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  const problems = [];
  const notes = async (x, query) => {
    const got = await tab.evaluate(() => [...document.querySelectorAll('#search-results .search-note')]
      .map((p) => ({ text: p.textContent, href: p.querySelector('a')?.getAttribute('href') || '' })));
    const note = got.find((n) => n.text.includes(`${x.edition}年度的索引格式与本页不同`));
    if (!note) return [`no note that ${x.edition}年度's index is of another format (${got.map((n) => n.text).join(' | ') || 'no note'})`];
    const link = x.page && `${x.page}?q=${encodeURIComponent(query)}`;
    return [link && !note.href.endsWith(link) ? `the note on ${x.edition}年度 links ${note.href || 'nothing'}, not ${link}` : null];
  };
  try {
    const query = searches[0][0];
    const r = await searchOnce(tab, http, 'search.html', query, site);
    if (!/找到 \d+ 个/.test(r.status)) problems.push(`「${query}」: the site-wide pages are not searched when ${newest.edition}年度's index is of another format (${r.status})`);
    problems.push(...await notes(newest, query));
    const skipped = r.links.filter((l) => l.startsWith(`${newest.edition}/`));
    if (skipped.length) problems.push(`a result from the index of another format: ${skipped[0]}`);
    const button = await tab.$('#search-scope button');
    if (older && button) {
      await button.click();
      await tab.waitForFunction(() => /找到|没有找到/.test(document.getElementById('search-status').textContent), null, { timeout: 10000 });
      problems.push(...(await notes(older, query)).map((p) => p && `after the click: ${p}`));
      problems.push(...(await notes(newest, query)).map((p) => p && `after the click: ${p}`));
    } else if (older) problems.push('the site-wide page offers no way to the older editions');
    if (newest.page && existsSync(path.join(site, newest.page))) {
      const own = await searchOnce(tab, http, newest.page, query, site);
      if (!/未能加载/.test(own.status) || own.links.length) problems.push(`${newest.page} with its index of another format: ${own.status}, ${own.links.length} result(s)`);
    }
  } catch (e) {
    problems.push(`the search did not finish: ${e.message.split('\n')[0]}`);
  } finally {
    await context.close();
    server.close();
  }
  return problems.concat(errors.map((e) => `script error: ${e}`));
}

/** An archived edition's bundle, unpacked in a temp folder, searches its own pages from
 *  file:// (no site-wide index there: the edition's page must simply search its own). */
async function checkBundle(tab) {
  const bin = [process.env.GONGKAI, path.join(ROOT, 'target/release/gongkai'), path.join(ROOT, 'target/debug/gongkai')]
    .find((b) => b && existsSync(b));
  if (!bin) return ['no gongkai binary to make a bundle with (cargo build --release)'];
  const dir = await mkdtemp(path.join(tmpdir(), 'gongkai-bundle-'));
  try {
    await cp(path.join(ROOT, 'content'), path.join(dir, 'project/content'), { recursive: true });
    const project = path.join(dir, 'project');
    await run(bin, ['archive', '2023', '--root', project]);
    await run(bin, ['bundle', '2023', '--root', project, '--out', path.join(dir, 'b.tar.gz')]);
    await mkdir(path.join(dir, 'unpacked'));
    await run('tar', ['-xzf', path.join(dir, 'b.tar.gz'), '-C', path.join(dir, 'unpacked')]);
    const root = path.join(dir, 'unpacked/gongkai-2023');
    const base = pathToFileURL(root + path.sep).href;
    const problems = [];
    for (const [query, first] of [['城镇登记失业率', '2023/indicators/employment.unemployment_rate.html'], ['复议', '2023/nianbao.html']]) {
      const r = await searchOnce(tab, base, '2023/search.html', query, root);
      if (r.links[0] !== first) problems.push(`unpacked bundle: query「${query}」: expected ${first} first, got ${r.links.slice(0, 3).join(', ') || r.status}`);
      else if (!existsSync(path.join(root, first))) problems.push(`unpacked bundle: ${first} is not in the bundle`);
      if (r.links.some((l) => !l.startsWith('2023/'))) problems.push(`unpacked bundle: a result outside the edition: ${r.links.find((l) => !l.startsWith('2023/'))}`);
      if (r.scope) problems.push('unpacked bundle: offers all editions, which the bundle does not hold');
    }
    return problems;
  } catch (e) {
    return [`cannot make or unpack the bundle: ${String(e.stderr || e.message).slice(0, 300)}`];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------- main ----------

const started = Date.now();
let passed = 0;
let failed = 0;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
try {
  if (!flag('--skip-self-test')) {
    // the broken site must make every check fail at least once
    console.log(`self-test: every check must fail on ${path.relative(process.cwd(), BROKEN) || BROKEN}`);
    const r = await suite(BROKEN, browser, { shots: null, label: '', searches: SEARCHES.broken });
    for (const [key, [subject, needle]] of Object.entries(CHECKS)) {
      const check = key.split('#')[0];
      const hit = r.failures().filter((x) => x.check === check && x.subject === subject)
        .flatMap((x) => x.problems).find((p) => p.includes(needle));
      if (hit) {
        passed += 1;
        console.log(`  ok   ${check} fails as it should: ${subject}: ${hit}`);
      } else {
        failed += 1;
        console.log(`  FAIL ${check} did not report「${needle}」on ${subject} of the broken site`);
      }
    }
  }
  if (!flag('--only-self-test')) {
    if (!existsSync(path.join(SITE, 'index.html'))) throw new Error(`no site at ${SITE}: run \`cargo run --release -- build\` first`);
    await rm(SHOTS, { recursive: true, force: true });
    console.log(`site: ${path.relative(process.cwd(), SITE) || SITE}`);
    const r = await suite(SITE, browser, { shots: SHOTS, label: '', only: ONLY, searches: SEARCHES.site });
    const checks = new Map();
    for (const item of r.items) {
      const c = checks.get(item.check) || { n: 0, bad: [] };
      c.n += 1;
      if (item.problems.length) c.bad.push(item);
      checks.set(item.check, c);
      if (item.problems.length) failed += 1; else passed += 1;
    }
    for (const [check, c] of checks) {
      console.log(`  ${c.bad.length ? 'FAIL' : 'ok  '} ${check}: ${c.n - c.bad.length}/${c.n} clean`);
      for (const b of c.bad.slice(0, 10)) for (const p of b.problems.slice(0, 5)) console.log(`         ${b.subject}: ${p}`);
      if (c.bad.length > 10) console.log(`         …and ${c.bad.length - 10} more subjects`);
    }
    console.log(`screenshots: ${SHOTS}`);
  }
} finally {
  await browser.close();
}
console.log(`browser suite took ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
