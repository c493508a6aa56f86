// How pure modules (no `vscode` import) localize what they show: they take a `Translate` function, which the
// extension sets to `vscode.l10n.t` and the unit tests leave as plain `{0}` substitution (English).

/** `vscode.l10n.t`'s shape: `{0}`, `{1}` … are replaced by the arguments. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** `{n}` substitution without a translation bundle (unit tests, and what `vscode.l10n.t` does for English). */
export const plainTranslate: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
