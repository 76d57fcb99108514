// Markdown (.md/.markdown): front matter into meta, body kept as written (the splitter relies on
// its `#` headings and `第X条` paragraphs). Law files from the national database carry a header
// (adoption and revision history) that ends at `<!-- INFO END -->`: it goes to meta.header.

import { basename } from 'node:path';
import matter from 'gray-matter';
import YAML from 'yaml';
import { cleanText } from './clean.ts';
import { loadError, type LoaderInput, type LoaderOutput } from './index.ts';
import { kb, MAX_META_BYTES, refuse } from './limits.ts';
import { decodeTextInput } from './text.ts';

const INFO_END = /^[ \t]*<!--\s*INFO END\s*-->[ \t]*$/m;

export function loadMarkdown(input: LoaderInput): LoaderOutput {
  const source = decodeTextInput(input);
  const { data, content } = parseFrontMatter(input.file, source);
  const meta: Record<string, unknown> = { ...data };
  let body = content;

  const header = splitHeader(body);
  if (header) {
    body = header.body;
    if (header.header) meta.header = header.header;
  }

  const version = versionFromFileName(input.file);
  if (version && meta.version === undefined) meta.version = version;

  const text = cleanText(stripComments(body), { markdown: true });
  const title = titleFrom(meta) ?? firstHeading(text);
  return { text, ...(title ? { title } : {}), meta };
}

function parseFrontMatter(file: string, source: string): { data: Record<string, unknown>; content: string } {
  // Refused before the YAML parser sees it: front matter is a few lines of metadata.
  if (/^---[ \t]*\n/.test(source)) {
    const end = source.search(/\n---[ \t]*(\n|$)/);
    if (end > 0 && Buffer.byteLength(source.slice(0, end)) > MAX_META_BYTES) throw refuse(file, `开头的 front matter 超过 ${kb(MAX_META_BYTES)}`, kb(MAX_META_BYTES));
  }
  try {
    // The yaml package keeps dates as strings ("2026-03-21"), which is what we want in meta.
    const parsed = matter(source, { engines: { yaml: (s: string) => (YAML.parse(s) ?? {}) as object } });
    const data = isRecord(parsed.data) ? parsed.data : {};
    return { data, content: parsed.content };
  } catch (err) {
    // The YAML parser's message is English; where it says the line, staff get that.
    const line = /line (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    throw loadError(file, `文件开头的 front matter（--- 之间的 YAML）格式有误${line ? `（YAML 第 ${line} 行附近）` : ''}，请检查冒号、引号和缩进。`, err);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Split off a law file's header. The `# 标题` line stays in the text; the lines between it and the
 * `<!-- INFO END -->` marker become meta.header.
 */
function splitHeader(body: string): { header: string; body: string } | undefined {
  const marker = INFO_END.exec(body);
  if (!marker) return undefined;
  const before = body.slice(0, marker.index);
  const after = body.slice(marker.index + marker[0].length);
  const lines = before.split('\n');
  const titleIndex = lines.findIndex((l) => /^#\s+\S/.test(l.trim()));
  const titleLine = titleIndex >= 0 ? (lines[titleIndex] as string).trim() : '';
  const headerLines = titleIndex >= 0 ? lines.filter((_, i) => i !== titleIndex) : lines;
  return {
    header: cleanText(headerLines.join('\n')),
    body: titleLine ? `${titleLine}\n\n${after}` : after,
  };
}

/** HTML comments are editing notes, never content. */
function stripComments(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, '');
}

/** "工伤保险条例(2010-12-20).md" → "2010-12-20" (the date of the last revision). */
export function versionFromFileName(file: string): string | undefined {
  const m = /[(（](\d{4}-\d{2}-\d{2})[)）]/.exec(basename(file));
  return m?.[1];
}

function titleFrom(meta: Record<string, unknown>): string | undefined {
  const t = meta.title;
  if (typeof t === 'string' && t.trim()) return t.trim();
  if (typeof t === 'number') return String(t);
  return undefined;
}

function firstHeading(text: string): string | undefined {
  const m = /^#\s+(.+)$/m.exec(text);
  return m?.[1]?.trim() || undefined;
}
