// One date/time format for everything the user reads: tree tooltips, dialogs, notifications, the sync-rules history
// and the wizard webview. The user's display language through Intl, date and time to the minute. Pure (ES2022 +
// Intl only): the host sets the language once (`vscode.env.language`), the webview uses its browser's.

let locale: string | undefined;
let formatter: Intl.DateTimeFormat | undefined;

/** The display language (a BCP 47 tag such as `en` or `de`); undefined: the runtime's default. */
export function setDisplayLocale(tag: string | undefined): void {
  locale = tag;
  formatter = undefined;
}

function make(tag: string | undefined): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(tag, options);
  } catch {
    return new Intl.DateTimeFormat(undefined, options); // an unknown tag: the runtime's default language
  }
}

/** `Nov 30, 2026, 5:41 AM` (in English); the input unchanged when it is not a date. */
export function formatDateTime(value: string | number | Date): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  formatter ??= make(locale);
  return formatter.format(d);
}
