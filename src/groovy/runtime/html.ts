// nodeHelper.stripHtml: HTML (as Azure DevOps stores descriptions and comments) to plain text.
// Rules (the Groovy stub in test/fixtures/groovy/runtime.groovy implements the same ones):
//   <br> → line break; the end of a block element (p, div, li, tr, h1–h6, pre, blockquote, table) → line break;
//   every other tag removed; entities decoded (&amp; &lt; &gt; &quot; &apos; &#39; &nbsp; and numeric ones);
//   non-breaking spaces become spaces; trailing spaces of each line removed; runs of blank lines collapsed to one;
//   leading and trailing line breaks removed. null stays null.
// Pure module: no Node built-ins.

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return NAMED[e] ?? all;
  });
}

export function stripHtml(html: string | null): string | null {
  if (html === null) return null;
  let s = html.replace(/\r\n?/g, '\n');
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<\/(p|div|li|tr|h[1-6]|pre|blockquote|table)\s*>/gi, '\n');
  s = s.replace(/<[^>]*>/g, '');
  s = decodeEntities(s).replace(/\u00a0/g, ' ');
  s = s
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n');
  s = s.replace(/\n{3,}/g, '\n\n');
  return s.replace(/^\n+|\n+$/g, '');
}
