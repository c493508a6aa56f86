// Which script a file holds, from its name. Its own module so the main extension bundle can use it without
// pulling in the parser. Pure: no `vscode`, no Node built-ins.
import type { ScriptDirection } from '../model/types';

/**
 * The direction a script file holds, from its name: `outgoing.groovy` / `incoming.groovy`, or a name containing
 * exactly one of `outgoing` and `incoming` (any case). Undefined otherwise.
 */
export function directionFromFileName(name: string): ScriptDirection | undefined {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).toLowerCase();
  const out = base.includes('outgoing');
  const inc = base.includes('incoming');
  return out === inc ? undefined : out ? 'outgoing' : 'incoming';
}

