// Echo suppression for text fields whose value a host owns (the wizard webview, src/shared/wizardProtocol.ts).
// Every local edit gets a sequence number that travels with the `input` message; every state from the host says
// up to which number it has processed the inputs (`ack`). A state older than the field's last edit must not
// write the field (its value is behind what the user typed), and a focused field is never written at all: what
// the user is typing wins. Pure: no DOM, no `vscode` (unit-tested in test/unit/shared/typedFields.test.ts).

export class TypedFields<F extends string = string> {
  private seq = 0;
  private readonly pending = new Map<F, number>();

  /** Records a local edit of `field`; returns the sequence number to send with it. */
  edited(field: F): number {
    this.seq++;
    this.pending.set(field, this.seq);
    return this.seq;
  }

  /**
   * May a state that answers every input up to `ack` write its value into `field`?
   * No while the field has an edit the host has not seen yet, and never while the field has the focus.
   */
  mayWrite(field: F, ack: number, focused: boolean): boolean {
    const last = this.pending.get(field);
    if (last !== undefined) {
      if (last > ack) return false;
      this.pending.delete(field);
    }
    return !focused;
  }

  /** True when `field` has an edit the host has not answered yet. */
  isPending(field: F): boolean {
    return this.pending.has(field);
  }
}
