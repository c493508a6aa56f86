// The Exalate script model (data in ./ado.ts, shapes in ./types.ts) and the look-ups every consumer needs:
// variables per direction, types by reference, members with Groovy's property rules. Pure: no `vscode`, no Node
// built-ins. Documented in docs/script-model.md.
import { ADO_SCRIPT_MODEL } from './ado';
import type { AdoFieldModel, FieldModel, MethodModel, ScriptDirection, ScriptModel, TypeModel, TypeRef, VariableModel } from './types';

export * from './types';
export { ADO_SCRIPT_MODEL } from './ado';

export const SCRIPT_DIRECTIONS: readonly ScriptDirection[] = ['outgoing', 'incoming'];

/** A member found on a model type: a field or a method, plus how it was reached. */
export type MemberMatch =
  | { kind: 'field'; field: FieldModel; owner: TypeModel; via: 'name' | 'alias' | 'getter' | 'setter' }
  | { kind: 'method'; method: MethodModel; owner: TypeModel };

/** Index over one ScriptModel; build once and share (the model is immutable). */
export class ScriptModelIndex {
  private readonly types = new Map<string, TypeModel>();
  private readonly variables = new Map<string, VariableModel>();
  private readonly adoByRef = new Map<string, AdoFieldModel>();
  private readonly memberCache = new Map<TypeModel, Map<string, MemberMatch | undefined>>();
  private readonly namesCache = new Map<TypeModel, string[]>();

  constructor(readonly model: ScriptModel) {
    for (const t of model.types) this.types.set(t.name, t);
    for (const v of model.variables) this.variables.set(v.name, v);
    for (const f of model.adoFields) this.adoByRef.set(f.referenceName.toLowerCase(), f);
  }

  /** Variables a script of this direction sees; both directions' when direction is undefined. */
  variablesFor(direction: ScriptDirection | undefined): VariableModel[] {
    return this.model.variables.filter((v) => direction === undefined || v.directions.includes(direction));
  }

  variable(name: string): VariableModel | undefined {
    return this.variables.get(name);
  }

  /** The model type a reference names; undefined for Java/Groovy types (`String`, `List<Comment>`, …). */
  type(ref: TypeRef | undefined): TypeModel | undefined {
    return ref === undefined ? undefined : this.types.get(ref);
  }

  /** `Comment` for `List<Comment>`; undefined when the reference is not a list. */
  elementType(ref: TypeRef | undefined): TypeRef | undefined {
    const m = ref === undefined ? null : /^(?:List|Set|Collection)<(.+)>$/.exec(ref);
    return m ? m[1] : undefined;
  }

  /**
   * The member `name` of type `owner`, with Groovy's property rules: `summary`, its aliases, and the accessor forms
   * `getSummary()` / `setSummary(x)` / `isActive()`.
   */
  member(owner: TypeModel, name: string): MemberMatch | undefined {
    let cache = this.memberCache.get(owner);
    if (!cache) {
      cache = new Map();
      this.memberCache.set(owner, cache);
    }
    if (cache.has(name)) return cache.get(name);
    const found = this.findMember(owner, name);
    cache.set(name, found);
    return found;
  }

  private findMember(owner: TypeModel, name: string): MemberMatch | undefined {
    const method = owner.methods.find((m) => m.name === name);
    if (method) return { kind: 'method', method, owner };
    const field = owner.fields.find((f) => f.name === name);
    if (field) return { kind: 'field', field, owner, via: 'name' };
    const alias = owner.fields.find((f) => f.aliases?.includes(name));
    if (alias) return { kind: 'field', field: alias, owner, via: 'alias' };
    const accessor = /^(get|set|is)([A-Z].*)$/.exec(name);
    if (accessor) {
      const prop = accessor[2][0].toLowerCase() + accessor[2].slice(1);
      const f = owner.fields.find((x) => x.name === prop || x.aliases?.includes(prop));
      if (f) return { kind: 'field', field: f, owner, via: accessor[1] === 'set' ? 'setter' : 'getter' };
    }
    return undefined;
  }

  /** All member names of a type (fields, aliases, methods), for suggestions. */
  memberNames(owner: TypeModel): readonly string[] {
    let names = this.namesCache.get(owner);
    if (!names) {
      names = [...owner.fields.flatMap((f) => [f.name, ...(f.aliases ?? [])]), ...owner.methods.map((m) => m.name)];
      this.namesCache.set(owner, names);
    }
    return names;
  }

  /** Whether assigning `field` of `owner` has no effect or is refused in a script of `direction`. */
  isReadOnly(owner: TypeModel, field: FieldModel, direction: ScriptDirection | undefined): boolean {
    if (field.readOnly === true) return true;
    if (direction === undefined) return false;
    if (Array.isArray(field.readOnly) && field.readOnly.includes(direction)) return true;
    return owner.readOnlyIn?.includes(direction) ?? false;
  }

  /** An Azure DevOps field every project has, by reference name (case-insensitive). */
  adoField(referenceName: string): AdoFieldModel | undefined {
    return this.adoByRef.get(referenceName.toLowerCase());
  }
}

/** The shared index over the Azure DevOps model. */
export const adoModel = new ScriptModelIndex(ADO_SCRIPT_MODEL);

/** A method's signature as one line: `mergeComments(workItem: WorkItem, replica: Replica, formatter?: Closure): List<Comment>`. */
export function methodSignature(m: MethodModel, owner?: string): string {
  const params = m.params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type}`).join(', ');
  return `${owner ? `${owner}.` : ''}${m.name}(${params}): ${m.returns}`;
}

/** How many arguments a method takes: [required, maximum]. */
export function arity(m: MethodModel): [number, number] {
  return [m.params.filter((p) => !p.optional).length, m.params.length];
}
