/**
 * A group message's @-mention of the bot. WeCom writes it into the text as `@名字` followed by a
 * space (often U+2005); the mention is taken out and the rest is the question.
 */
export function mentionOf(raw: string, names: string[]): { text: string; mentioned: boolean } {
  let text = raw;
  let mentioned = false;
  for (const name of names) {
    const at = new RegExp(`@${escapeRegExp(name)}(?=[\\s\\u2005\\u00a0]|$)[\\s\\u2005\\u00a0]*`, 'g');
    const next = text.replace(at, ' ');
    if (next !== text) mentioned = true;
    text = next;
  }
  return { text: text.replace(/\s+/g, (s) => (s.includes('\n') ? '\n' : ' ')).trim(), mentioned };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
