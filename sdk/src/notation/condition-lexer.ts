/**
 * Tokens of the condition language. Keywords are case-insensitive; a reference is read as one
 * token here and checked in detail by the reference parser, which gives better messages.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

const QUOTED_DOUBLE = String.raw`"(?:[^"\\]|\\[\s\S])*"`;
const QUOTED_SINGLE = String.raw`'(?:[^'\\]|\\[\s\S])*'`;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
/**
 * Everything up to the next space, parenthesis, comma, comparison or quote, plus bracketed quoted
 * keys, which may hold any of those.
 */
export const ReferenceToken = createToken({
  name: 'Reference',
  pattern: new RegExp(
    String.raw`[A-Za-z_][A-Za-z0-9_]*@(?:[^\s(),=!<>"'\[]|\[(?:${QUOTED_DOUBLE}|${QUOTED_SINGLE})\]|\[)*`,
  ),
  label: 'a reference',
});
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a name',
});

const keyword = (word: string): TokenType =>
  createToken({ name: word, pattern: new RegExp(word, 'i'), longer_alt: Identifier, label: word });

export const And = keyword('AND');
export const Or = keyword('OR');
export const Not = keyword('NOT');
export const Exists = keyword('EXISTS');
export const Empty = keyword('EMPTY');
export const Before = keyword('BEFORE');
export const After = keyword('AFTER');
export const True = keyword('TRUE');
export const False = keyword('FALSE');
export const Null = keyword('NULL');

export const Equal = createToken({ name: 'Equal', pattern: '==', label: "'=='" });
export const NotEqual = createToken({ name: 'NotEqual', pattern: '!=', label: "'!='" });
export const GreaterOrEqual = createToken({ name: 'GreaterOrEqual', pattern: '>=', label: "'>='" });
export const LessOrEqual = createToken({ name: 'LessOrEqual', pattern: '<=', label: "'<='" });
export const Greater = createToken({ name: 'Greater', pattern: '>', label: "'>'" });
export const Less = createToken({ name: 'Less', pattern: '<', label: "'<'" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const StringLiteral = createToken({
  name: 'String',
  pattern: new RegExp(`${QUOTED_DOUBLE}|${QUOTED_SINGLE}`),
  label: 'a string',
});
export const NumberLiteral = createToken({
  name: 'Number',
  pattern: /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: 'a number',
});

/** Order matters where patterns overlap: references before names, two-character operators first. */
export const CONDITION_TOKENS: TokenType[] = [
  WhiteSpace,
  ReferenceToken,
  And,
  Or,
  Not,
  Exists,
  Empty,
  Before,
  After,
  True,
  False,
  Null,
  Identifier,
  Equal,
  NotEqual,
  GreaterOrEqual,
  LessOrEqual,
  Greater,
  Less,
  LParen,
  RParen,
  Comma,
  StringLiteral,
  NumberLiteral,
];

/** Built on first use so that importing the SDK costs nothing for plugins that never parse conditions. */
let lexer: Lexer | undefined;
export function conditionLexer(): Lexer {
  lexer ??= new Lexer(CONDITION_TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: true });
  return lexer;
}

/** Hints for characters people bring from other languages. */
export function describeUnexpectedCharacter(text: string, offset: number): string {
  const rest = text.slice(offset);
  if (rest.startsWith('&&')) return "unexpected '&&'; write AND";
  if (rest.startsWith('||')) return "unexpected '||'; write OR";
  if (rest.startsWith('!')) return "unexpected '!'; write NOT, or '!=' to compare";
  if (rest.startsWith('=')) return "unexpected '='; write '==' to compare";
  if (rest.startsWith('"') || rest.startsWith("'")) return 'unterminated string';
  const char = String.fromCodePoint(rest.codePointAt(0)!);
  return `unexpected character '${char}'`;
}
