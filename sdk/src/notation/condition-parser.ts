/**
 * Grammar of conditions, from loosest to tightest binding:
 *
 *   condition    := disjunction EOF
 *   disjunction  := conjunction ( OR conjunction )*
 *   conjunction  := negation ( AND negation )*
 *   negation     := NOT negation | comparison
 *   comparison   := predicate ( ('=='|'!='|'<'|'<='|'>'|'>='|BEFORE|AFTER) predicate )?
 *   predicate    := EXISTS operand | EMPTY operand | operand
 *   operand      := reference | string | number | TRUE | FALSE | NULL
 *                 | name '(' ( disjunction ( ',' disjunction )* )? ')' | '(' disjunction ')'
 */
import {
  EmbeddedActionsParser,
  EOF,
  type IToken,
  type TokenType,
  tokenLabel,
  tokenMatcher,
} from 'chevrotain';
import type { ComparisonOperator, ConditionNode, LiteralValue } from './condition-ast.js';
import { CONDITION_FUNCTIONS } from './condition-functions.js';
import {
  After,
  And,
  Before,
  CONDITION_TOKENS,
  Comma,
  conditionLexer,
  describeUnexpectedCharacter,
  Empty,
  Equal,
  Exists,
  False,
  Greater,
  GreaterOrEqual,
  Identifier,
  Less,
  LessOrEqual,
  LParen,
  Not,
  NotEqual,
  Null,
  NumberLiteral,
  Or,
  ReferenceToken,
  RParen,
  StringLiteral,
  True,
} from './condition-lexer.js';
import { ConditionSyntaxError, NotationError } from './errors.js';
import { parseReference } from './reference.js';

/**
 * Parses a condition into a JSON tree for {@link evaluate}.
 *
 * @example parseCondition('profile@traits.age >= 18 AND NOT exists(profile@data.contact.email.main)')
 * @throws ConditionSyntaxError with the offset, line and column of the first problem, e.g.
 *   `expected ')' but found the end of the condition at column 23`.
 */
export function parseCondition(text: string): ConditionNode {
  const lexed = conditionLexer().tokenize(text);
  const lexError = lexed.errors[0];
  if (lexError) {
    throw new ConditionSyntaxError(describeUnexpectedCharacter(text, lexError.offset), text, lexError.offset);
  }
  if (lexed.tokens.length === 0) throw new ConditionSyntaxError('the condition is empty', text, 0);
  const parser = conditionParser();
  parser.input = lexed.tokens;
  parser.conditionText = text;
  let tree: ConditionNode;
  try {
    tree = parser.condition();
  } catch (error) {
    // Recursion runs out long before any real condition would; report it like any other mistake.
    if (error instanceof RangeError)
      throw new ConditionSyntaxError('the condition is nested too deeply', text, 0);
    throw error;
  }
  const parseError = parser.errors[0];
  if (parseError) {
    const offset = tokenMatcher(parseError.token, EOF) ? text.length : parseError.token.startOffset;
    throw new ConditionSyntaxError(parseError.message, text, offset);
  }
  return tree;
}

const COMPARISON_OPERATORS: readonly [TokenType, ComparisonOperator][] = [
  [Equal, '=='],
  [NotEqual, '!='],
  [Less, '<'],
  [LessOrEqual, '<='],
  [Greater, '>'],
  [GreaterOrEqual, '>='],
  [Before, 'before'],
  [After, 'after'],
];

function describeToken(token: IToken): string {
  if (tokenMatcher(token, EOF)) return 'the end of the condition';
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
  return `'${image}'`;
}

const OPERAND_RULES = new Set(['negation', 'comparison', 'predicate', 'operand']);

const errorMessages = {
  buildMismatchTokenMessage: ({ expected, actual }: { expected: TokenType; actual: IToken }) =>
    `expected ${tokenLabel(expected)} but found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }: { firstRedundant: IToken }) =>
    `unexpected ${describeToken(firstRedundant)} after a complete condition; join conditions with AND or OR`,
  buildNoViableAltMessage: ({
    actual,
    previous,
    ruleName,
  }: {
    actual: IToken[];
    previous: IToken;
    ruleName: string;
  }) => {
    const found = describeToken(actual[0]!);
    const after = previous && !tokenMatcher(previous, EOF) ? ` after '${previous.image}'` : '';
    if (OPERAND_RULES.has(ruleName)) {
      return `expected a value (a reference, a string, a number, true, false, null, a function call or '(')${after} but found ${found}`;
    }
    return `unexpected ${found}${after}`;
  },
  buildEarlyExitMessage: ({ actual }: { actual: IToken[] }) => `unexpected ${describeToken(actual[0]!)}`,
};

class ConditionParser extends EmbeddedActionsParser {
  /** The text being parsed, for positions in semantic errors. */
  conditionText = '';

  constructor() {
    super(CONDITION_TOKENS, { errorMessageProvider: errorMessages });
    this.performSelfAnalysis();
  }

  fail(reason: string, offset: number): never {
    throw new ConditionSyntaxError(reason, this.conditionText, offset);
  }

  condition = this.RULE('condition', (): ConditionNode => this.SUBRULE(this.disjunction));

  disjunction = this.RULE('disjunction', (): ConditionNode => {
    const operands = [this.SUBRULE(this.conjunction)];
    this.MANY(() => {
      this.CONSUME(Or);
      operands.push(this.SUBRULE2(this.conjunction));
    });
    return operands.length === 1 ? operands[0]! : { type: 'or', operands };
  });

  conjunction = this.RULE('conjunction', (): ConditionNode => {
    const operands = [this.SUBRULE(this.negation)];
    this.MANY(() => {
      this.CONSUME(And);
      operands.push(this.SUBRULE2(this.negation));
    });
    return operands.length === 1 ? operands[0]! : { type: 'and', operands };
  });

  negation: () => ConditionNode = this.RULE('negation', (): ConditionNode => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(Not);
          return { type: 'not' as const, operand: this.SUBRULE(this.negation) };
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE('comparison', (): ConditionNode => {
    const left = this.SUBRULE(this.predicate);
    let node: ConditionNode = left;
    this.OPTION(() => {
      const operator = this.SUBRULE(this.comparisonOperator);
      const right = this.SUBRULE2(this.predicate);
      node = { type: 'compare', operator, left, right };
    });
    return node;
  });

  comparisonOperator = this.RULE('comparisonOperator', (): ComparisonOperator => {
    const token = this.OR(COMPARISON_OPERATORS.map(([type]) => ({ ALT: () => this.CONSUME(type) })));
    return this.ACTION(() => COMPARISON_OPERATORS.find(([type]) => tokenMatcher(token, type))![1]);
  });

  predicate = this.RULE('predicate', (): ConditionNode => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(Exists);
          return { type: 'call' as const, name: 'exists', args: [this.SUBRULE(this.operand)] };
        },
      },
      {
        ALT: () => {
          this.CONSUME(Empty);
          return { type: 'call' as const, name: 'empty', args: [this.SUBRULE2(this.operand)] };
        },
      },
      { ALT: () => this.SUBRULE3(this.operand) },
    ]);
  });

  operand: () => ConditionNode = this.RULE('operand', (): ConditionNode => {
    return this.OR([
      { ALT: () => this.reference(this.CONSUME(ReferenceToken)) },
      {
        ALT: () => {
          const token = this.CONSUME(StringLiteral);
          return literal(this.ACTION(() => unquote(token.image)));
        },
      },
      { ALT: () => literal(Number(this.CONSUME(NumberLiteral).image)) },
      { ALT: () => this.keywordLiteral(True, true) },
      { ALT: () => this.keywordLiteral(False, false) },
      { ALT: () => this.keywordLiteral(Null, null) },
      { ALT: () => this.SUBRULE(this.functionCall) },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const inner = this.SUBRULE(this.disjunction);
          this.CONSUME(RParen);
          return inner;
        },
      },
    ]);
  });

  functionCall = this.RULE('functionCall', (): ConditionNode => {
    const name = this.CONSUME(Identifier);
    this.ACTION(() => {
      if (!tokenMatcher(this.LA(1), LParen)) {
        this.fail(
          `'${name.image}' is neither a reference nor a function call; write a reference such as 'profile@traits.${name.image}' or call a function such as 'lower(...)'`,
          name.startOffset,
        );
      }
    });
    this.CONSUME(LParen);
    const args: ConditionNode[] = [];
    const offsets: number[] = [];
    this.OPTION(() => {
      offsets.push(this.LA(1).startOffset);
      args.push(this.SUBRULE(this.disjunction));
      this.MANY(() => {
        this.CONSUME(Comma);
        offsets.push(this.LA(1).startOffset);
        args.push(this.SUBRULE2(this.disjunction));
      });
    });
    const close = this.CONSUME(RParen);
    return this.ACTION(() => this.checkedCall(name, args, offsets, close.startOffset));
  });

  private keywordLiteral(keyword: TokenType, value: boolean | null): ConditionNode {
    this.CONSUME(keyword);
    return literal(value);
  }

  private reference(token: IToken): ConditionNode {
    return this.ACTION(() => {
      try {
        const { source, path } = parseReference(token.image);
        return { type: 'reference', source, path };
      } catch (error) {
        if (!(error instanceof NotationError)) throw error;
        const reason = error.message.replace(/ at column \d+$/, '');
        return this.fail(reason, token.startOffset + (error.offset ?? 0));
      }
    });
  }

  private checkedCall(
    name: IToken,
    args: ConditionNode[],
    offsets: number[],
    closeOffset: number,
  ): ConditionNode {
    const key = name.image.toLowerCase();
    const definition = CONDITION_FUNCTIONS.get(key);
    if (!definition) {
      const known = [...CONDITION_FUNCTIONS.keys()].join(', ');
      return this.fail(`unknown function '${name.image}'; known functions are ${known}`, name.startOffset);
    }
    const [min, max] = definition.arity;
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      const plural = max === 1 ? '' : 's';
      const offset = args.length > max ? offsets[max]! : closeOffset;
      return this.fail(`${key}() takes ${expected} argument${plural}, got ${args.length}`, offset);
    }
    const literals = args.map((arg) => (arg.type === 'literal' ? arg.value : undefined));
    const problem = definition.checkLiterals?.(literals);
    if (problem) return this.fail(problem.reason, offsets[problem.argument]!);
    return { type: 'call', name: key, args };
  }
}

function literal(value: LiteralValue): ConditionNode {
  return { type: 'literal', value };
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Removes the quotes of a string literal and resolves `\n`, `\t`, `\r`, `\\`, `\"`, `\'` and
 * `\uXXXX`. Any other backslash is kept as written, so regular expressions such as "^A\d+$"
 * need no doubled backslashes.
 */
function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|[\s\S])/g, (whole, sequence: string) => {
    if (sequence.length === 5) return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
    return ESCAPES[sequence] ?? whole;
  });
}

/** Built on first use: grammar analysis takes a few milliseconds that plugins without conditions should not pay. */
let parser: ConditionParser | undefined;
function conditionParser(): ConditionParser {
  parser ??= new ConditionParser();
  return parser;
}
