import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The 公众号's XML: a message is one flat `<xml>` of named fields; replies are the same shape.
 * Parsed with fast-xml-parser (values kept as strings, CDATA as it is, entities and character
 * references decoded); a document type declaration is refused (WeChat never sends one, and entity
 * tricks need it).
 */

export type Fields = Record<string, string>;

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, htmlEntities: true });

/** The fields of an `<xml>` message; undefined when the body is not one. */
export function parseXml(body: string): Fields | undefined {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return undefined;
  if (XMLValidator.validate(body) !== true) return undefined;
  const doc = parser.parse(body) as Record<string, unknown>;
  const root = doc.xml;
  if (!root || typeof root !== 'object') return undefined;
  const out: Fields = Object.create(null);
  for (const [k, v] of Object.entries(root)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

const builder = new XMLBuilder({ cdataPropName: '__cdata', format: false });

/** A text inside CDATA (the builder splits a "]]>" in it across two sections). */
const cdata = (s: string) => ({ __cdata: s });

/** An `<xml>` of the fields: strings in CDATA, numbers as they are. */
export function buildXml(fields: Record<string, string | number>): string {
  const xml: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) xml[k] = typeof v === 'number' ? v : cdata(v);
  return builder.build({ xml }) as string;
}

/** A passive text reply to `to` (the worker's openid) from `from` (the account). */
export function textReply(to: string, from: string, content: string, at: Date): string {
  return buildXml({ ToUserName: to, FromUserName: from, CreateTime: Math.floor(at.getTime() / 1000), MsgType: 'text', Content: content });
}
