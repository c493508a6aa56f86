// Errors the emulator answers with, serialised like the service's `WrappedException` JSON. The in-process API
// (emulator.ts) throws the same errors the REST layer answers with.

export const FRAMEWORK = 'Microsoft.TeamFoundation.Framework.Server';
export const WIT = 'Microsoft.TeamFoundation.WorkItemTracking.Server';
export const VSS = 'Microsoft.VisualStudio.Services.WebApi';

/** An error the service would answer with: HTTP status, ADO message, `typeKey`/`typeName` and optional `customProperties`. */
export class AdoError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly typeKey: string,
    readonly typeName: string,
    readonly headers: Record<string, string | string[]> = {},
    readonly customProperties?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AdoError';
  }
}

export function notFound(message: string, typeKey = 'ResourceNotFoundException'): AdoError {
  return new AdoError(404, message, typeKey, `${VSS}.${typeKey}, ${VSS}`);
}

export function badRequest(message: string, typeKey = 'InvalidArgumentValueException'): AdoError {
  return new AdoError(400, message, typeKey, `${VSS}.${typeKey}, ${VSS}`);
}

/** An error of the work item tracking service (`Microsoft.TeamFoundation.WorkItemTracking.Server.*`). */
export function witError(status: number, message: string, typeKey: string): AdoError {
  return new AdoError(status, message, typeKey, `${WIT}.${typeKey}, ${WIT}`);
}

/** `TF401232`: an unknown work item, or one outside the project of the route. */
export function workItemNotFound(id: number | string): AdoError {
  return witError(404, `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`, 'WorkItemUnauthorizedAccessException');
}

/** `TF51535` for a field name the project's process does not know. */
export function unknownField(name: string, status = 400): AdoError {
  return witError(status, `TF51535: Cannot find field ${name}.`, status === 404 ? 'WorkItemFieldInvalidException' : 'WorkItemTrackingFieldDefinitionNotFoundException');
}

/**
 * `TF401320`: a field rule refused the value (`codes` like `Required, InvalidEmpty`), with the `RuleValidationErrors`
 * custom properties the service adds.
 */
export function ruleError(fieldRef: string, fieldName: string, codes: string[], detail: string): AdoError {
  const flags = codes.map((c) => c.charAt(0).toLowerCase() + c.slice(1)).join(', ');
  const status = codes[codes.length - 1];
  const custom = {
    FieldReferenceName: fieldRef,
    FieldStatusFlags: flags,
    ErrorMessage: detail,
    FieldStatusCode: status,
    RuleValidationErrors: [{ fieldReferenceName: fieldRef, fieldStatusFlags: flags, errorMessage: detail, fieldStatusCode: status, ruleValidationErrors: null }],
  };
  return new AdoError(400, `TF401320: Rule Error for field ${fieldName}. Error code: ${codes.join(', ')}.`, 'RuleValidationException', `${WIT}.RuleValidationException, ${WIT}`, {}, custom);
}
