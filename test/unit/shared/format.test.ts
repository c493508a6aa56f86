import * as assert from 'node:assert/strict';
import { formatDateTime, setDisplayLocale } from '../../../src/shared/format';

describe('formatDateTime (the one date format of tree, dialogs, history and webview)', () => {
  afterEach(() => setDisplayLocale(undefined));

  it('formats in the display language, to the minute', () => {
    setDisplayLocale('en-US');
    const t = new Date(2026, 10, 30, 5, 41, 49);
    assert.equal(formatDateTime(t), new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(t));
    assert.match(formatDateTime(t.toISOString()), /^Nov 30, 2026, 5:41\s?AM$/);
    assert.equal(formatDateTime(t.getTime()), formatDateTime(t.toISOString()), 'the same for every kind of input');
    setDisplayLocale('de');
    assert.equal(formatDateTime(t), '30.11.2026, 05:41');
  });

  it('falls back for an unknown language tag and keeps a value that is not a date', () => {
    setDisplayLocale('not a tag!');
    assert.doesNotThrow(() => formatDateTime(Date.now()));
    assert.equal(formatDateTime('soon'), 'soon');
  });
});
