import { html, raw, type Safe, type Value } from './html.ts';

/** The console's frame: header, navigation, and the one stylesheet (served locally, no CDN). */

export interface Frame {
  title: string;
  /** The signed-in person, when there is one (shows the navigation). */
  user?: string;
  csrf?: string;
  active?: string;
  /** A line at the top: done / went wrong. */
  flash?: { kind: 'ok' | 'error'; text: string };
}

const NAV: [string, string][] = [
  ['overview', '概览'],
  ['kb', '知识库'],
  ['members', '入会申请'],
  ['complaints', '维权投诉'],
  ['audit', '操作记录'],
];
const HREF: Record<string, string> = { overview: '/console', kb: '/console/kb', members: '/console/members', complaints: '/console/complaints', audit: '/console/audit' };

export function page(f: Frame, body: Value): string {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${f.title} · 工友助手后台</title>
<link rel="stylesheet" href="/console/static/console.css">
<script src="/console/static/console.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/console">工友助手 · 工作人员后台</a>
  ${f.user
    ? html`<nav>${NAV.map(([key, label]) => html`<a href="${HREF[key]}"${f.active === key ? raw(' class="on" aria-current="page"') : ''}>${label}</a>`)}</nav>
  <form method="post" action="/console/logout" class="logout">
    <input type="hidden" name="_csrf" value="${f.csrf}">
    <span class="who">${f.user}</span> <button type="submit" class="link">退出</button>
  </form>`
    : ''}
</header>
<main>
${f.flash ? html`<p class="flash ${f.flash.kind}" role="${f.flash.kind === 'error' ? 'alert' : 'status'}">${f.flash.text}</p>` : ''}
${body}
</main>
</body>
</html>`.value;
}

export const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

/** Horizontal bars, drawn with CSS width classes in 5% steps (no script, no inline style: the CSP forbids both). */
export function bars(title: string, rows: [string, number][]): Safe {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return html`<section class="card"><h3>${title}</h3>${rows.length
    ? html`<ul class="bars">${rows.map(
        ([label, n]) => html`<li><span class="bl">${label}</span><span class="bb"><span class="w${Math.round((n / max) * 20) * 5}"></span></span><span class="bn">${n}</span></li>`,
      )}</ul>`
    : html`<p class="muted">暂无数据。</p>`}</section>`;
}

export const table = (head: string[], rows: Value[][], empty = '没有符合条件的记录。'): Safe =>
  rows.length
    ? html`<div class="scroll"><table><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
        (r) => html`<tr>${r.map((cell, i) => html`<td data-label="${head[i]}">${cell}</td>`)}</tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">${empty}</p>`;

export const fmtTime = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
};

/**
 * The one script: upload progress. Without it (or with scripts off) the upload form posts as a
 * plain form; with it the same POST goes through XMLHttpRequest to show how far the upload is,
 * and the result page the server sends replaces the page.
 */
export const JS = `document.addEventListener('submit', function (e) {
  var form = e.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-progress') || !window.FormData) return;
  e.preventDefault();
  var bar = form.querySelector('progress');
  var note = form.querySelector('.progress-note');
  var button = form.querySelector('button[type=submit]');
  var say = function (t) { if (note) note.textContent = t; };
  if (bar) { bar.hidden = false; bar.value = 0; }
  if (button) button.disabled = true;
  var xhr = new XMLHttpRequest();
  xhr.open('POST', form.action);
  xhr.upload.onprogress = function (ev) {
    if (!ev.lengthComputable) return;
    if (bar) bar.value = ev.loaded / ev.total;
    say('正在上传 ' + Math.round((ev.loaded / ev.total) * 100) + '%');
  };
  xhr.upload.onload = function () { if (bar) bar.removeAttribute('value'); say('上传完成，正在拆分并建立索引，文件多时要等一会儿……'); };
  xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
  xhr.onerror = function () { say('上传失败，请检查网络后重试。'); if (button) button.disabled = false; if (bar) bar.hidden = true; };
  xhr.send(new FormData(form));
});
`;

export const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.6 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1d2329;background:#f4f5f7}
a{color:#b3261e}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;background:#b3261e;color:#fff}
.top a{color:#fff;text-decoration:none}
.brand{font-weight:700;margin-right:auto}
.top nav{display:flex;flex-wrap:wrap;gap:.2rem}
.top nav a{padding:.25rem .6rem;border-radius:4px}
.top nav a.on,.top nav a:hover{background:rgba(255,255,255,.2)}
.logout{margin:0;display:flex;align-items:center;gap:.3rem}
.logout .link{color:#fff}
main{max-width:1100px;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.4rem 0 1rem}
h2{font-size:1.15rem;margin:1.4rem 0 .6rem}
h3{font-size:1rem;margin:0 0 .5rem}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:1rem;margin:0 0 1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:1rem;align-items:start}
.stat{font-size:1.8rem;font-weight:700}
.muted{color:#5f6b76}
.flag{color:#b42318;font-size:12px;font-weight:600}
.flash{padding:.6rem .9rem;border-radius:6px}
.flash.ok{background:#e6f4ea;color:#1e6b34}
.flash.error{background:#fdecea;color:#8c1d18}
.scroll{overflow-x:auto;background:#fff;border:1px solid #dde1e6;border-radius:8px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #eceff2;vertical-align:top}
th{background:#f8f9fa;white-space:nowrap;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:0 0 1rem}
label{display:flex;flex-direction:column;gap:.2rem;font-size:.9rem}
input,select,textarea,button{font:inherit}
input[type=text],input[type=password],input[type=date],input[type=search],select,textarea{padding:.4rem .5rem;border:1px solid #b9c0c7;border-radius:6px;background:#fff;min-width:8rem}
textarea{width:100%;min-height:4rem}
button,.button{display:inline-block;padding:.4rem .9rem;border:0;border-radius:6px;background:#b3261e;color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#5f6b76}
button.ok{background:#1e6b34}
button.link{background:none;padding:0;text-decoration:underline;color:inherit}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:.8rem}
.pager{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0}
.inline{display:inline-flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:0}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.8rem;background:#eceff2}
.badge.red{background:#fdecea;color:#8c1d18}
.badge.green{background:#e6f4ea;color:#1e6b34}
.chunk{border-left:3px solid #dde1e6;padding:.2rem .8rem;margin:.6rem 0;white-space:pre-wrap}
.chunk .path{font-size:.85rem;color:#5f6b76;white-space:normal}
.answer{white-space:pre-wrap}
.bars{list-style:none;margin:0;padding:0}
.bars li{display:grid;grid-template-columns:8rem 1fr 3rem;gap:.5rem;align-items:center;margin:.2rem 0}
.bl{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bb{background:#eceff2;height:.9rem;border-radius:3px;overflow:hidden}
.bb span{display:block;height:100%;width:0;background:#b3261e}
${Array.from({ length: 21 }, (_, i) => `.bb .w${i * 5}{width:${i * 5}%}`).join('\n')}
a.card.plain{display:block;text-decoration:none;color:inherit}
.chart{grid-column:1/-1}
.chart svg{width:100%;height:auto;max-height:260px;display:block}
.chart text{font-size:9px;fill:#5f6b76;text-anchor:middle}
.chart text.axis{text-anchor:end}
.chart text.n{fill:#1d2329}
.chart line.base{stroke:#b9c0c7}
.chart .answered{fill:#1e6b34;background:#1e6b34}
.chart .not-sure{fill:#e0a100;background:#e0a100}
.chart .s0{fill:#b3261e;background:#b3261e}.chart .s1{fill:#1f5f99;background:#1f5f99}.chart .s2{fill:#e0a100;background:#e0a100}.chart .s3{fill:#1e6b34;background:#1e6b34}
.chart .s4{fill:#7b3fa0;background:#7b3fa0}.chart .s5{fill:#0f8a8a;background:#0f8a8a}.chart .s6{fill:#c4621b;background:#c4621b}.chart .s7{fill:#6b7580;background:#6b7580}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:0 0 .5rem;padding:0}
.legend .key{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
.login.flush{margin:0}
progress{width:100%;height:.8rem}
.progress-note{min-height:1.2em}
label.check{flex-direction:row;align-items:center}
.bn{text-align:right}
.login{max-width:360px;margin:3rem auto}
.login form{display:flex;flex-direction:column;gap:.8rem}
dl.fields{display:grid;grid-template-columns:8rem 1fr;gap:.3rem 1rem;margin:0}
dl.fields dt{color:#5f6b76}
dl.fields dd{margin:0;white-space:pre-wrap}
@media (max-width:640px){
  main{padding:.6rem}
  table,thead,tbody,tr,td{display:block}
  thead{display:none}
  tr{border-bottom:2px solid #dde1e6;padding:.3rem 0}
  td{border:0;padding:.15rem .6rem}
  td::before{content:attr(data-label) "：";color:#5f6b76}
  .bars li{grid-template-columns:5rem 1fr 2.5rem}
  dl.fields{grid-template-columns:1fr}
}
`;
