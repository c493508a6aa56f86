// Markdown for hovers and completion details, built from the script model. Pure: no `vscode`, no Node built-ins.
import { methodSignature, type AdoFieldModel, type FieldModel, type MethodModel, type TypeModel, type VariableModel } from '../model';
import type { MarkupContent, ProjectField } from './protocol';

const md = (value: string): MarkupContent => ({ kind: 'markdown', value });
const code = (s: string) => `\`\`\`groovy\n${s}\n\`\`\``;

export function variableDoc(v: VariableModel): MarkupContent {
  const where = v.directions.length === 2 ? 'outgoing and incoming scripts' : `${v.directions[0]} scripts only`;
  return md(`${code(`${v.name}: ${v.type}`)}\n\n${v.doc}\n\n*Available in ${where}.*`);
}

export function fieldDoc(owner: TypeModel, f: FieldModel): MarkupContent {
  const ro = f.readOnly === true ? ' (read-only)' : '';
  const ado = f.adoReference ? `\n\nAzure DevOps field: \`${f.adoReference}\`` : '';
  return md(`${code(`${owner.name}.${f.name}: ${f.type}`)}${ro}\n\n${f.doc}${ado}`);
}

export function methodDoc(owner: TypeModel, m: MethodModel): MarkupContent {
  const params = m.params.length ? `\n\n${m.params.map((p) => `- \`${p.name}\`${p.optional ? ' (optional)' : ''}: ${p.doc}`).join('\n')}` : '';
  const example = m.example ? `\n\nExample:\n${code(m.example)}` : '';
  const where = m.directions ? `\n\n*For ${m.directions.join(' and ')} scripts.*` : '';
  return md(`${code(methodSignature(m, owner.name))}\n\n${m.doc}${params}${example}${where}`);
}

export function typeDoc(t: TypeModel): MarkupContent {
  return md(`${code(t.name)}\n\n${t.doc}`);
}

export function adoFieldDoc(f: AdoFieldModel | ProjectField, projectName?: string): MarkupContent {
  const extra: string[] = [];
  if ('scriptProperty' in f && f.scriptProperty) extra.push(`Also available as \`${f.scriptProperty}\`.`);
  if ('workItemTypes' in f && f.workItemTypes?.length) extra.push(`Work item types${projectName ? ` in ${projectName}` : ''}: ${f.workItemTypes.join(', ')}.`);
  const description = ('doc' in f ? f.doc : undefined) ?? ('description' in f ? f.description : undefined);
  return md(
    `${code(`"${f.referenceName}"`)}\n\n**${f.name}** — Azure DevOps field of type \`${f.type}\`${f.readOnly ? ', read-only' : ''}.${description ? `\n\n${description}` : ''}${extra.length ? `\n\n${extra.join(' ')}` : ''}`,
  );
}
