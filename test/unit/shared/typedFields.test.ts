import * as assert from 'node:assert/strict';
import { TypedFields } from '../../../src/shared/typedFields';

describe('TypedFields (echo suppression for host-owned text fields)', () => {
  it('does not let a state older than the last edit write the field, even after the focus left it', () => {
    const f = new TypedFields<'name' | 'url'>();
    const s1 = f.edited('name'); // "C"
    const s2 = f.edited('name'); // "CO"
    assert.ok(s2 > s1);
    // The host answers "C" (ack s1) after the user tabbed away: "CO" must stay.
    assert.equal(f.mayWrite('name', s1, false), false);
    // The answer to "CO" arrives: from now on the host's value may be shown.
    assert.equal(f.mayWrite('name', s2, false), true);
    assert.equal(f.isPending('name'), false);
  });

  it('never writes a focused field, acknowledged or not', () => {
    const f = new TypedFields();
    const s = f.edited('name');
    assert.equal(f.mayWrite('name', s, true), false);
    assert.equal(f.mayWrite('name', s + 5, true), false);
  });

  it('keeps fields apart: an edit of one field does not hold back host values of another', () => {
    const f = new TypedFields<'local' | 'name'>();
    f.edited('local');
    // The host suggests a new connection name from the short name the user is typing: the name field shows it.
    assert.equal(f.mayWrite('name', 0, false), true);
    assert.equal(f.mayWrite('local', 0, false), false);
  });
});
