/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function pct(x: number | undefined, digits = 2): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(digits)}%`;
}

/** Styles of the report: one self-contained page, readable on screen and in print. */
export const REPORT_CSS = `
:root { --ink:#1d2330; --muted:#5b6577; --line:#e3e7ee; --bg:#f6f7fb; --card:#fff; --good:#2e9d5b; --bad:#d2453b; --accent:#3a6fd8; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
header { background:linear-gradient(120deg,#1f2a44,#2f4f8f); color:#fff; padding:28px 40px 24px; }
header h1 { margin:0 0 4px; font-size:26px; font-weight:650; letter-spacing:-.01em; }
header p { margin:0; color:#c9d4ee; }
main { max-width:1180px; margin:0 auto; padding:24px 24px 60px; }
section.card, details.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:18px 22px; margin:18px 0; box-shadow:0 1px 2px rgba(20,30,60,.04); }
h2 { font-size:19px; margin:0 0 12px; }
h3 { font-size:16px; margin:18px 0 8px; }
p.note { color:var(--muted); margin:4px 0 12px; }
table { border-collapse:collapse; font-variant-numeric:tabular-nums; }
table.summary { width:100%; }
table.summary th, table.summary td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); white-space:nowrap; }
table.summary th { color:var(--muted); font-weight:600; font-size:13px; }
table.summary td:first-child { white-space:normal; word-break:break-word; }
.table-wrap { overflow-x:auto; }
td.num, th.num { text-align:right !important; }
.charts { display:flex; flex-wrap:wrap; gap:18px; }
.chart svg { max-width:100%; height:auto; }
.kpis { display:flex; flex-wrap:wrap; gap:12px; margin:4px 0 8px; }
.kpi { background:var(--bg); border-radius:8px; padding:8px 14px; min-width:120px; }
.kpi b { display:block; font-size:20px; }
.kpi span { color:var(--muted); font-size:12px; }
table.confusion td, table.confusion th { width:34px; height:28px; text-align:center; font-size:12px; border:1px solid #fff; }
table.confusion th { color:var(--muted); font-weight:600; }
table.confusion td.diag { outline:1px solid #9bb3e4; outline-offset:-1px; }
.gallery { display:grid; grid-template-columns:repeat(auto-fill, minmax(112px, 1fr)); gap:12px; }
.rows { display:flex; flex-wrap:wrap; gap:14px 18px; }
.row { display:flex; gap:8px; align-items:flex-start; background:var(--bg); border-radius:8px; padding:8px 10px 6px; }
figure { margin:0; text-align:center; }
figure img { image-rendering: pixelated; width:96px; height:auto; border:3px solid transparent; border-radius:4px; background:#000; }
figure.single { text-align:left; }
figure.single img { width:auto; max-width:100%; border:none; background:none; }
figure.good img { border-color:var(--good); }
figure.bad img { border-color:var(--bad); }
figcaption { font-size:12px; color:var(--muted); line-height:1.3; margin-top:3px; white-space:pre-line; }
details summary { cursor:pointer; color:var(--accent); }
details.run > summary { color:var(--ink); list-style:none; }
details.run > summary h2 { display:inline; }
details.run > summary::before { content:'▸ '; color:var(--accent); }
details.run[open] > summary::before { content:'▾ '; }
pre { background:var(--bg); padding:10px; border-radius:6px; overflow:auto; font-size:12px; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:20px; }
`;
