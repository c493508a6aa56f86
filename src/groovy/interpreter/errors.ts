// Errors raised while a script runs.
import { GException } from './values';

/** A Groovy exception in flight (script `throw` or a runtime error such as a null dereference): scripts can catch it. */
export class GroovyThrow extends Error {
  constructor(readonly exception: GException) {
    super(exception.message ?? exception.className);
  }
}

/**
 * An error the script cannot catch: a budget ran out, or the script used something Test Run does not support.
 * It stops the run and is reported at its line.
 */
export class ScriptStop extends Error {
  constructor(
    message: string,
    public line = 0,
    public column = 0,
  ) {
    super(message);
  }
}

export function groovyError(className: string, message: string | null): GroovyThrow {
  return new GroovyThrow(new GException(className, message));
}

export const NPE = 'java.lang.NullPointerException';
export const MISSING_METHOD = 'groovy.lang.MissingMethodException';
export const MISSING_PROPERTY = 'groovy.lang.MissingPropertyException';
export const ARITHMETIC = 'java.lang.ArithmeticException';
export const ILLEGAL_ARGUMENT = 'java.lang.IllegalArgumentException';
export const NUMBER_FORMAT = 'java.lang.NumberFormatException';
export const INDEX_OUT_OF_BOUNDS = 'java.lang.IndexOutOfBoundsException';
export const CLASS_CAST = 'org.codehaus.groovy.runtime.typehandling.GroovyCastException';
export const UNSUPPORTED_OPERATION = 'java.lang.UnsupportedOperationException';
export const ILLEGAL_STATE = 'java.lang.IllegalStateException';
export const PATTERN_SYNTAX = 'java.util.regex.PatternSyntaxException';

export function unsupported(what: string): ScriptStop {
  return new ScriptStop(`not supported in Test Run: ${what}`);
}
