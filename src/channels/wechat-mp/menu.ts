import { mpTexts } from './texts.ts';

/**
 * The custom menu (入会 / 投诉 / 查进度 / 我受伤了 / 问一问): `click` buttons whose keys stand for
 * the words a worker would type, and a `view` button to the web chat when PUBLIC_URL is set.
 */

interface MenuButton {
  type?: 'click' | 'view';
  name: string;
  key?: string;
  url?: string;
  sub_button?: MenuButton[];
}

/** The body of /cgi-bin/menu/create. */
export function menuBody(publicUrl?: string): { button: MenuButton[] } {
  const button: MenuButton[] = mpTexts.mpMenu.map((b) =>
    'sub' in b ? { name: b.name, sub_button: b.sub.map((s) => ({ type: 'click', name: s.name, key: s.key })) } : { type: 'click', name: b.name, key: b.key },
  );
  if (publicUrl) {
    const web: MenuButton = { type: 'view', name: mpTexts.mpWebButton, url: `${publicUrl}/` };
    // three top-level buttons at most: the link goes under the last group when the top is full
    if (button.length < 3) button.push(web);
    else {
      const group = [...button].reverse().find((b) => b.sub_button && b.sub_button.length < 5);
      if (group) group.sub_button!.push(web);
    }
  }
  return { button };
}

/** What a menu click says for the worker; undefined for a key not on the menu. */
export function clickText(key: string): string | undefined {
  for (const b of mpTexts.mpMenu) {
    if ('sub' in b) {
      const s = b.sub.find((x) => x.key === key);
      if (s) return s.says;
    } else if (b.key === key) return b.says;
  }
  return undefined;
}
