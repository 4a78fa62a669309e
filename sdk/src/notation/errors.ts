/**
 * Errors raised by the notation module. Each carries a stable `code` a host can switch on and a
 * message a person can act on; errors tied to a place in the input also carry that place.
 */

export type NotationErrorCode =
  /** The text is not a well-formed `source@path` reference or path. */
  | 'malformed-reference'
  /** The part before `@` is not one of the context sources. */
  | 'unknown-source'
  /** `setIn` met a value it cannot descend into (a string, a number, ...). */
  | 'path-conflict'
  /** A `{{…}}` placeholder in a template is not closed or does not hold a reference. */
  | 'malformed-template'
  /** A condition could not be parsed; see {@link ConditionSyntaxError}. */
  | 'condition-syntax'
  /** `evaluate` was given a value that is not a condition AST produced by `parseCondition`. */
  | 'invalid-condition-ast'
  /** An option passed to a function is not valid, e.g. a `now` that is not a time. */
  | 'invalid-option';

export class NotationError extends Error {
  override name = 'NotationError';
  readonly code: NotationErrorCode;
  /** Zero-based offset into the text that was being read, when the error has a place. */
  readonly offset: number | undefined;

  constructor(code: NotationErrorCode, message: string, offset?: number) {
    super(message);
    this.code = code;
    this.offset = offset;
  }
}

/**
 * A condition that cannot be parsed. `offset` is zero-based; `line` and `column` are one-based
 * and are also part of the message, e.g. `expected ')' at column 23`.
 */
export class ConditionSyntaxError extends NotationError {
  override name = 'ConditionSyntaxError';
  override readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** The message without the position suffix, for editors that show the position themselves. */
  readonly reason: string;

  constructor(reason: string, text: string, offset: number) {
    const { line, column } = lineAndColumn(text, offset);
    const where = text.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
    super('condition-syntax', `${reason} at ${where}`, offset);
    this.offset = offset;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
