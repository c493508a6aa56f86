// Validation rules shared by the sandbox node (server side), the Node API client and the wizard (as the user types).
// Only ES2022 + zod here: this file is compiled for the extension host, the sandbox and the browser webview.
import * as z from 'zod';

/** Longest connection name, project name and other "name" fields, in characters (after trimming). */
export const NAME_MAX_LENGTH = 255;
/** Longest connection description, in characters (after trimming). */
export const DESCRIPTION_MAX_LENGTH = 2000;
/** Longest URL accepted for a destination node. */
export const URL_MAX_LENGTH = 2048;
/**
 * Instance short names: an ASCII letter or digit, then up to 63 letters, digits, `_`, `.` or `-`.
 * Safe in URLs, file names, log lines and Groovy strings without escaping.
 */
export const SHORT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const SHORT_NAME_MAX_LENGTH = 64;
/** Largest sync-rule script, in UTF-8 bytes. */
export const MAX_SCRIPT_BYTES = 512 * 1024;
/** Largest request body for every endpoint except `PUT …/rules/{dir}`, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
/**
 * Largest raw request body for `PUT …/rules/{dir}`, in bytes. JSON escaping can make a 512 KiB script up to six
 * times longer on the wire, so the raw cap is generous and the script itself is then checked against
 * {@link MAX_SCRIPT_BYTES} (a 400 with a field message on `script`).
 */
export const MAX_RULE_BODY_BYTES = 6 * MAX_SCRIPT_BYTES + MAX_BODY_BYTES;
/** Largest page of connections. */
export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;
/** Longest invitation code accepted, in characters. */
export const INVITATION_CODE_MAX_LENGTH = 8192;
/** Longest `Idempotency-Key` header value. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
/** Longest `X-Exalate-Author` header value (the author of a rule version). */
export const AUTHOR_MAX_LENGTH = 100;

/** Any control character (C0, DEL, C1): never allowed in names, which end up in file names, logs and scripts. */
export const CONTROL_CHARACTER = /\p{Cc}/u;

/** UTF-8 length of a string, in bytes, without Buffer or TextEncoder (so it also compiles without DOM/Node types). */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function label(what: string) {
  return { required: `${what} is required`, tooLong: `${what} must be at most ${NAME_MAX_LENGTH} characters` };
}

/** A trimmed, required name of at most 255 characters, without control characters (line breaks, tabs, …). */
export function nameField(what: string) {
  const l = label(what);
  return z
    .string({ error: l.required })
    .trim()
    .min(1, { error: l.required })
    .max(NAME_MAX_LENGTH, { error: l.tooLong })
    .refine((s) => !CONTROL_CHARACTER.test(s), { error: `${what} must not contain line breaks, tabs or other control characters` });
}

export const connectionNameSchema = nameField('Connection name');
export const projectSchema = nameField('Project');
export const descriptionSchema = z
  .string({ error: 'Description must be text' })
  .trim()
  .max(DESCRIPTION_MAX_LENGTH, { error: `Description must be at most ${DESCRIPTION_MAX_LENGTH} characters` });

export function shortNameField(what: string) {
  return z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} is required` })
    .max(SHORT_NAME_MAX_LENGTH, { error: `${what} must be at most ${SHORT_NAME_MAX_LENGTH} characters` })
    .regex(SHORT_NAME_PATTERN, {
      error: `${what} must start with a letter or digit and contain only letters, digits, '_', '.' and '-'`,
    });
}
export const localShortNameSchema = shortNameField('Local instance short name');
export const remoteShortNameSchema = shortNameField('Remote instance short name');
/** Generic instance short name (node `--name`). */
export const shortNameSchema = shortNameField('Instance short name');

/** An absolute http(s) URL without credentials, query or fragment; a trailing slash is removed. */
export const nodeUrlSchema = z
  .string({ error: 'Destination URL is required' })
  .trim()
  .min(1, { error: 'Destination URL is required' })
  .max(URL_MAX_LENGTH, { error: `Destination URL must be at most ${URL_MAX_LENGTH} characters` })
  .superRefine((value, ctx) => {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Destination URL must be an absolute URL such as https://node.example.com' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'Destination URL must start with http:// or https://' });
    } else if (u.username || u.password) {
      ctx.addIssue({ code: 'custom', message: 'Destination URL must not contain a user name or password' });
    } else if (u.search || u.hash) {
      ctx.addIssue({ code: 'custom', message: 'Destination URL must not contain a query or fragment' });
    }
  })
  .transform((value) => value.replace(/\/+$/, ''));

export const scriptSchema = z
  .string({ error: 'Script must be text' })
  .refine((s) => utf8ByteLength(s) <= MAX_SCRIPT_BYTES, {
    error: `Script must be at most ${MAX_SCRIPT_BYTES / 1024} KiB (UTF-8)`,
  });

/**
 * `Idempotency-Key` header of `POST /api/v1/connections`: trimmed, 1–200 visible ASCII characters. The node checks it
 * (400 otherwise) and the client checks it before sending.
 */
export const idempotencyKeySchema = z
  .string({ error: 'Idempotency-Key is required' })
  .trim()
  .regex(new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`), {
    error: `Must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters`,
  });

/** `X-Exalate-Author` header of a rule PUT: trimmed, 1–100 characters, no control characters. */
export const authorHeaderSchema = z
  .string({ error: 'X-Exalate-Author must be text' })
  .trim()
  .min(1, { error: `Must be 1–${AUTHOR_MAX_LENGTH} printable characters` })
  .max(AUTHOR_MAX_LENGTH, { error: `Must be 1–${AUTHOR_MAX_LENGTH} printable characters` })
  .refine((s) => !CONTROL_CHARACTER.test(s), { error: `Must be 1–${AUTHOR_MAX_LENGTH} printable characters` });

export const invitationCodeSchema = z
  .string({ error: 'Invitation code is required' })
  .trim()
  .min(1, { error: 'Invitation code is required' })
  .max(INVITATION_CODE_MAX_LENGTH, { error: 'Invitation code is too long' });

/** Map of field path (dot-joined, e.g. `name` or `items.0.name`) → first message for that field. */
export type FieldErrors = Record<string, string>;

/** Turns zod issues into a field → message map (the first message per field wins). Unknown keys get "Unknown field". */
export function issuesToFieldErrors(error: z.ZodError): FieldErrors {
  // Field names come from the request (unknown keys such as `__proto__` or `constructor`): a null-prototype map
  // keeps them as plain entries.
  const out = Object.create(null) as FieldErrors;
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.map(String).join('.');
      for (const key of issue.keys) {
        const p = prefix ? `${prefix}.${key}` : key;
        if (!Object.hasOwn(out, p)) out[p] = 'Unknown field';
      }
      continue;
    }
    const p = issue.path.map(String).join('.') || '_';
    if (!Object.hasOwn(out, p)) {
      // zod's built-in wording for a missing field is technical; our field schemas carry their own messages.
      out[p] = issue.code === 'invalid_type' && issue.input === undefined && issue.message.startsWith('Invalid input')
        ? `${p} is required`
        : issue.message;
    }
  }
  return out;
}

/** The fields of the "new connection" wizard form, as the user types them (any may be missing). */
export interface ConnectionInfoInput {
  name?: string;
  description?: string;
  localShortName?: string;
  remoteShortName?: string;
  /** `null` or empty = private connection (the remote is unknown). */
  destinationUrl?: string | null;
  project?: string;
  mode?: string;
}

/**
 * Validates the "new connection" form. Returns a field → message map; empty means valid.
 * Only the fields present in `input` are checked unless `complete` is true (then missing required fields are
 * reported too), so a wizard can validate each keystroke without shouting about untouched fields.
 */
export function validateConnectionInfo(input: ConnectionInfoInput, complete = false): FieldErrors {
  const out: FieldErrors = {};
  const check = (field: keyof ConnectionInfoInput, schema: z.ZodType, required: boolean) => {
    const value = input[field];
    if (value === undefined) {
      if (complete && required) {
        const r = schema.safeParse(undefined);
        if (!r.success) out[field] = r.error.issues[0].message;
      }
      return;
    }
    const r = schema.safeParse(value);
    if (!r.success) out[field] = r.error.issues[0].message;
  };
  check('name', connectionNameSchema, true);
  check('description', descriptionSchema, false);
  check('localShortName', localShortNameSchema, true);
  check('remoteShortName', remoteShortNameSchema, true);
  check('project', projectSchema, true);
  if (input.destinationUrl !== undefined && input.destinationUrl !== null && input.destinationUrl.trim() !== '') {
    check('destinationUrl', nodeUrlSchema, false);
  }
  if (input.mode !== undefined) {
    const privateConnection = input.destinationUrl == null || input.destinationUrl.trim() === '';
    if (!['script', 'visual', 'basic'].includes(input.mode)) out.mode = 'Mode must be script, visual or basic';
    else if (privateConnection && input.mode !== 'script') {
      out.mode = 'A private connection (no destination URL) supports Script mode only';
    }
  }
  if (
    out.localShortName === undefined &&
    out.remoteShortName === undefined &&
    input.localShortName !== undefined &&
    input.remoteShortName !== undefined &&
    input.localShortName.trim().toLowerCase() === input.remoteShortName.trim().toLowerCase()
  ) {
    out.remoteShortName = 'Remote instance short name must differ from the local one';
  }
  return out;
}
