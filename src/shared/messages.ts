// How every message the extension shows ends: one rule, applied where messages are shown (src/ui/userInput.ts).
// Rule: a message ends with a full stop — unless it is a question ("?") or already ends with a full stop or an
// ellipsis. Trailing colons, commas, semicolons and spaces are dropped first, so a composed message
// (`${what}: ${error.message}`) ends the same way whatever the node's error text looked like.

/** The message as shown: trimmed, ending with ".", "?" or "…". */
export function sentence(text: string): string {
  const t = text.trimEnd().replace(/[\s:;,]+$/u, '');
  if (t === '') return t;
  if (/[.?…]$/u.test(t)) return t;
  if (/!$/u.test(t)) return `${t.slice(0, -1)}.`;
  return `${t}.`;
}
