// The shape of the Exalate script model: plain data that describes what a sync script can reach (variables,
// entity types, helpers). Completion, hover, signature help, the analyses and the interpreter all read it.
// Pure: no `vscode`, no Node built-ins.

/** Which script: `outgoing` builds the replica from the local work item, `incoming` applies a replica locally. */
export type ScriptDirection = 'outgoing' | 'incoming';

/**
 * A type reference. Either the name of a model type (`WorkItem`, `Comment`, …), a Java/Groovy type we only name
 * (`String`, `Long`, `Boolean`, `Date`, `Object`, `Map`, `Closure`, `void`), or a list of something: `List<Comment>`.
 */
export type TypeRef = string;

export interface ParamModel {
  name: string;
  type: TypeRef;
  /** What the argument means, in one sentence. */
  doc: string;
  /** May be left out (only trailing parameters). */
  optional?: boolean;
}

export interface MethodModel {
  name: string;
  params: ParamModel[];
  returns: TypeRef;
  /** What the method does, in our own words (Markdown). */
  doc: string;
  /** A short example line (Groovy). */
  example?: string;
  /** The last parameter is a closure that may also be passed after the parentheses (`f(a) { … }`). */
  trailingClosure?: boolean;
  /** Only meaningful in these directions (absent: both). Calls elsewhere get a warning. */
  directions?: ScriptDirection[];
}

export interface FieldModel {
  name: string;
  type: TypeRef;
  doc: string;
  /**
   * Assignments are pointless or rejected: `true` (always), or the directions in which this holds. A read-only
   * field can still be read.
   */
  readOnly?: boolean | ScriptDirection[];
  /** The Azure DevOps field behind it (`System.Title`), when there is one. */
  adoReference?: string;
  /** Other spellings scripts use for the same field (`workItem.creator` for `reporter`). */
  aliases?: string[];
}

export interface TypeModel {
  name: TypeRef;
  doc: string;
  fields: FieldModel[];
  methods: MethodModel[];
  /**
   * How a member that is not listed is judged: `closed` — the object has exactly these members (a misspelling is
   * an error when a listed name is close, a warning otherwise); `open` — arbitrary names are fine (maps such as
   * `customKeys`, Java objects we do not model).
   */
  members: 'closed' | 'open';
  /**
   * `workItem."Microsoft.VSTS.Common.AcceptanceCriteria"`: quoted names are looked up as Azure DevOps fields.
   * Unknown quoted names are never an error (fields differ per project and process).
   */
  quotedAdoFields?: boolean;
  /** Type of an element when the member is looked up with a key (`customFields."Name"`, `customKeys.x`). */
  valueType?: TypeRef;
  /** Every field is read-only in these directions (the local work item in an outgoing script, say). */
  readOnlyIn?: ScriptDirection[];
}

export interface VariableModel {
  name: string;
  type: TypeRef;
  doc: string;
  /** The directions in which the variable exists. */
  directions: ScriptDirection[];
  /** The variable is another name for this one (`issue` → `workItem`). */
  aliasOf?: string;
  kind: 'entity' | 'helper' | 'value';
}

/** One Azure DevOps work item field as the REST API describes it (`GET _apis/wit/fields`). */
export interface AdoFieldModel {
  referenceName: string;
  name: string;
  /** REST `FieldType` name: string, integer, dateTime, plainText, html, treePath, history, double, guid, boolean, identity. */
  type: string;
  readOnly: boolean;
  /** The script property that carries it when there is a friendlier one (`summary` for System.Title). */
  scriptProperty?: string;
  doc?: string;
}

export interface ScriptModel {
  /** The tracker this model describes. */
  platform: 'azureDevOps';
  variables: VariableModel[];
  types: TypeModel[];
  /** Fields every Azure DevOps project has; the editor adds the project's own from the Azure DevOps REST API. */
  adoFields: AdoFieldModel[];
}
