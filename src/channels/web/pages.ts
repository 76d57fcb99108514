import { channelText } from '../../core/etiquette.ts';
import type { ChunkRecord, DocumentRecord } from '../../store/types.ts';

/** The web chat's pages: plain HTML, no build step, usable on a small phone screen. */

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** The stylesheet every web page links to (/static/chat.css): no inline style, so the CSP can forbid it. */
export const STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font:16px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f2f3f5;color:#1f2329}
a{color:#1456f0}
header{position:sticky;top:0;background:#c8102e;color:#fff;padding:10px 16px;font-size:18px;font-weight:600;z-index:1}
header small{display:block;font-size:12px;font-weight:400;opacity:.85}
main{max-width:720px;margin:0 auto;padding:12px 12px 96px}
.msg{display:flex;margin:10px 0}
.msg.me{justify-content:flex-end}
.bubble{max-width:86%;padding:9px 13px;border-radius:14px;background:#fff;white-space:pre-wrap;word-break:break-word;box-shadow:0 1px 1px rgba(0,0,0,.05)}
.me .bubble{background:#95ec69}
.sources{margin-top:8px;padding-top:6px;border-top:1px solid #e5e6eb;font-size:14px}
.sources div{margin:2px 0}
.choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.choices button{border:1px solid #c8102e;color:#c8102e;background:#fff;border-radius:16px;padding:5px 12px;font-size:15px}
form{position:fixed;left:0;right:0;bottom:0;display:flex;gap:8px;padding:10px 12px calc(10px + env(safe-area-inset-bottom));background:#fff;border-top:1px solid #e5e6eb}
form textarea{flex:1;resize:none;height:44px;max-height:120px;padding:10px;font:inherit;border:1px solid #c9cdd4;border-radius:8px}
form button{min-width:64px;border:0;border-radius:8px;background:#c8102e;color:#fff;font-size:16px}
form button:disabled{opacity:.5}
.note{font-size:12px;color:#86909c;text-align:center;margin:8px 0}
article{background:#fff;border-radius:10px;padding:16px;white-space:pre-wrap;word-break:break-word}
.meta{font-size:14px;color:#4e5969;margin:8px 0 14px}
`;

export function chatPage(botName: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<title>${esc(botName)}</title><link rel="stylesheet" href="/static/chat.css"></head>
<body>
<header>${esc(botName)}<small>工会为外卖骑手、网约车司机、货车司机、快递员提供的助手</small></header>
<main id="log" aria-live="polite"></main>
<form id="f" autocomplete="off">
<textarea id="t" placeholder="输入问题，比如：新职伤要自己交钱吗？" aria-label="消息" enterkeyhint="send"></textarea>
<button id="b" type="submit">发送</button>
</form>
<script src="/static/chat.js"></script>
</body></html>`;
}

/** The chat page's script (/static/chat.js), with the texts it shows built in. */
export const CHAT_JS = `(function(){
var WELCOME=${JSON.stringify(channelText.webWelcome)};
var PRIVACY=${JSON.stringify(channelText.webPrivacy)};
var KEY='gongyou.web.v1';
var log=document.getElementById('log'),form=document.getElementById('f'),input=document.getElementById('t'),button=document.getElementById('b');
var state;
try{state=JSON.parse(localStorage.getItem(KEY)||'null')}catch(e){state=null}
// who this browser is, the server decides (an HttpOnly cookie); only the history is kept here
if(!state||!state.history)state={history:[]};
function save(){try{state.history=state.history.slice(-200);localStorage.setItem(KEY,JSON.stringify(state))}catch(e){}}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e}
function render(m,live){
  if(live)Array.prototype.forEach.call(document.querySelectorAll('.choices'),function(c){c.remove()});
  var row=el('div','msg '+(m.me?'me':'bot'));var b=el('div','bubble',m.text);
  if(m.sources&&m.sources.length){var s=el('div','sources');s.appendChild(el('div',null,'来源：'));
    m.sources.forEach(function(x){var d=el('div');var label='['+x.n+'] '+x.title+(x.section?' › '+x.section:'');
      if(x.url){var a=el('a',null,label);a.href=x.url;a.target='_blank';a.rel='noopener';d.appendChild(a)}else d.textContent=label;s.appendChild(d)});
    b.appendChild(s)}
  if(live&&m.choices&&m.choices.length){var c=el('div','choices');
    m.choices.forEach(function(ch){var btn=el('button',null,ch);btn.type='button';btn.onclick=function(){c.remove();send(ch)};c.appendChild(btn)});b.appendChild(c)}
  row.appendChild(b);log.appendChild(row);window.scrollTo(0,document.body.scrollHeight)}
function add(m){state.history.push(m);save();render(m,true)}
log.appendChild(el('div','note',PRIVACY));
if(!state.history.length)render({text:WELCOME});
state.history.forEach(function(m,i){render(m,i===state.history.length-1)});
var busy=false;
function send(text){
  text=(text||'').trim();if(!text||busy)return;busy=true;button.disabled=true;
  add({me:true,text:text});
  var req={method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({text:text})};
  var done=function(d){(d.replies||[]).forEach(add);if(d.error)add({text:d.error})};
  var plain=function(){return fetch('/api/chat',req).then(function(r){return r.json()}).then(done)};
  // streamed when the browser can read a response body: the answer appears as it is written
  (window.ReadableStream&&window.TextDecoder?fetch('/api/chat/stream',req).then(function(r){
    if(!r.ok||!r.body)return r.json().then(done);
    var reader=r.body.getReader(),dec=new TextDecoder(),buf='',live=null,got=false;
    var onEvent=function(ev){var t=/^event: ?(.*)$/m.exec(ev),d=/^data: ?(.*)$/m.exec(ev);if(!t||!d)return;var data=JSON.parse(d[1]);
      if(t[1]==='delta'){if(!live){live=el('div','msg bot');live.appendChild(el('div','bubble',''));log.appendChild(live)}
        live.firstChild.textContent+=data.text;window.scrollTo(0,document.body.scrollHeight)}
      else if(t[1]==='replies'){got=true;if(live)live.remove();done(data)}};
    var pump=function(){return reader.read().then(function(x){if(x.done){if(!got){if(live)live.remove();add({text:'网络好像断了，请稍后再发一次。'})}return}
      buf+=dec.decode(x.value,{stream:true});var parts=buf.split('\\n\\n');buf=parts.pop();parts.forEach(onEvent);return pump()})};
    return pump()}):plain())
   .catch(function(){add({text:'网络好像断了，请稍后再发一次。'})})
   .then(function(){busy=false;button.disabled=false});
}
form.addEventListener('submit',function(e){e.preventDefault();var v=input.value;input.value='';send(v)});
input.addEventListener('keydown',function(e){if(e.key==='Enter'&&!e.shiftKey&&!e.isComposing){e.preventDefault();form.requestSubmit?form.requestSubmit():form.dispatchEvent(new Event('submit'))}});
function poll(){fetch('/api/notices').then(function(r){return r.json()}).then(function(d){(d.replies||[]).forEach(add)}).catch(function(){})}
setInterval(poll,30000);
})();
`;

/** An http(s) address as written, else nothing: no javascript:, data: or relative links from a document. */
function webAddress(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^https?:\/\//i.test(v.trim())) return undefined;
  try {
    const url = new URL(v.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? v.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a document comes from, as its front matter's `sources` says: `{title, url}` entries (the
 * built-in knowledge and the pilot table), or plain strings (a title or an address). A link only
 * for an http(s) address.
 */
function origins(sources: unknown): { title: string; url?: string }[] {
  const list: unknown[] = Array.isArray(sources) ? sources : sources == null ? [] : [sources];
  return list.flatMap((s) => {
    if (typeof s === 'string') return s.trim() ? [{ title: s.trim(), url: webAddress(s) }] : [];
    if (!s || typeof s !== 'object') return [];
    const { title, url } = s as { title?: unknown; url?: unknown };
    const link = webAddress(url);
    const name = typeof title === 'string' && title.trim() ? title.trim() : (link ?? '');
    return name ? [{ title: name, url: link }] : [];
  });
}

export function passagePage(doc: DocumentRecord, chunk: ChunkRecord): string {
  const heading = doc.kind === 'law' ? `《${doc.title}》${chunk.section ?? ''}` : chunk.faq ? chunk.faq.question : [doc.title, chunk.section].filter(Boolean).join(' › ');
  const meta = [
    `分类：${doc.category}`,
    doc.region ? `地区：${doc.region}` : '',
    doc.effective ? `施行：${doc.effective}` : '',
    doc.updated ? `更新：${doc.updated}` : '',
    `文档：${doc.title}`,
  ].filter(Boolean);
  const links = origins(doc.meta.sources)
    .map((o) => (o.url ? `<div><a href="${esc(o.url)}" rel="noopener noreferrer">${esc(o.title)}</a></div>` : `<div>${esc(o.title)}</div>`))
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(heading)}</title><link rel="stylesheet" href="/static/chat.css"></head>
<body><header>${esc(heading)}<small>${esc(chunk.path.join(' › '))}</small></header>
<main><div class="meta">${meta.map(esc).join(' · ')}</div>
<article>${esc(chunk.text.trim())}</article>
${links ? `<div class="meta">出处：${links}</div>` : ''}
<p class="note"><a href="/">回到对话</a></p></main></body></html>`;
}

export function notFoundPage(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>找不到</title><link rel="stylesheet" href="/static/chat.css"></head><body><header>找不到这个页面</header>
<main><p>这段内容可能已经更新或删除了。</p><p><a href="/">回到对话</a></p></main></body></html>`;
}
