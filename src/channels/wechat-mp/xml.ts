import { j2xParser, parse, validate } from 'fast-xml-parser';

/**
 * The 公众号's XML: a message is one flat `<xml>` of named fields; replies are the same shape.
 * Parsed with fast-xml-parser (values kept as strings); a document type declaration is refused
 * (WeChat never sends one, and entity tricks need it).
 */

export type Fields = Record<string, string>;

/** The fields of an `<xml>` message; undefined when the body is not one. */
export function parseXml(body: string): Fields | undefined {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return undefined;
  if (validate(body) !== true) return undefined;
  const doc = parse(body, { parseNodeValue: false, ignoreAttributes: true, trimValues: true, cdataTagName: '__cdata' }) as Record<string, unknown>;
  const root = doc.xml;
  if (!root || typeof root !== 'object') return undefined;
  const out: Fields = Object.create(null);
  for (const [k, v] of Object.entries(root)) {
    const value = textOf(v);
    if (value !== undefined) out[k] = value;
  }
  return out;
}

/**
 * A field's text: plain text with its entities decoded, CDATA as it is. fast-xml-parser 3 gives a
 * field with CDATA as { __cdata, "#text" } where "#text" marks each section's place with a backslash and "c".
 */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number') return decodeEntities(String(v));
  if (!v || typeof v !== 'object' || !('__cdata' in v)) return undefined;
  const o = v as { __cdata: unknown; '#text'?: unknown };
  const sections = ([] as unknown[]).concat(o.__cdata).map(String);
  const around = typeof o['#text'] === 'string' ? o['#text'].split('\\c') : [];
  let out = '';
  for (let i = 0; i < Math.max(sections.length, around.length); i++) out += decodeEntities(around[i] ?? '') + (sections[i] ?? '');
  return out;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five XML entities and character references (&#20320; &#x4f60;) in plain text. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, e: string) => {
    if (e[0] !== '#') return NAMED[e]!;
    const code = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

const builder = new j2xParser({ cdataTagName: '__cdata', format: false });

/** A text inside CDATA (a "]]>" in it is split across two sections). */
const cdata = (s: string) => ({ __cdata: s.replace(/]]>/g, ']]]]><![CDATA[>') });

/** An `<xml>` of the fields: strings in CDATA, numbers as they are. */
export function buildXml(fields: Record<string, string | number>): string {
  const xml: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) xml[k] = typeof v === 'number' ? v : cdata(v);
  return builder.parse({ xml }) as string;
}

/** A passive text reply to `to` (the worker's openid) from `from` (the account). */
export function textReply(to: string, from: string, content: string, at: Date): string {
  return buildXml({ ToUserName: to, FromUserName: from, CreateTime: Math.floor(at.getTime() / 1000), MsgType: 'text', Content: content });
}
