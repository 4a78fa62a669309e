import { expect } from 'chai';
import { describe, it } from 'mocha';
import { type ConditionNode, ConditionSyntaxError, NotationError, parseCondition } from './index.js';

const ref = (text: string): ConditionNode => {
  const [source, path] = text.split('@') as [string, string];
  return { type: 'reference', source: source as 'profile', path: path.split('.') };
};
const lit = (value: string | number | boolean | null): ConditionNode => ({ type: 'literal', value });
const eq = (left: ConditionNode, right: ConditionNode): ConditionNode => ({
  type: 'compare',
  operator: '==',
  left,
  right,
});
const a = eq(ref('profile@a'), lit(1));
const b = eq(ref('profile@b'), lit(2));
const c = eq(ref('profile@c'), lit(3));

function syntaxError(text: string): ConditionSyntaxError {
  try {
    parseCondition(text);
  } catch (error) {
    expect(error).to.be.instanceOf(ConditionSyntaxError);
    return error as ConditionSyntaxError;
  }
  throw new Error(`expected '${text}' to be rejected`);
}

describe('condition syntax', () => {
  describe('precedence and grouping', () => {
    it('binds AND tighter than OR', () => {
      expect(parseCondition('profile@a == 1 OR profile@b == 2 AND profile@c == 3')).to.deep.equal({
        type: 'or',
        operands: [a, { type: 'and', operands: [b, c] }],
      });
      expect(parseCondition('profile@a == 1 AND profile@b == 2 OR profile@c == 3')).to.deep.equal({
        type: 'or',
        operands: [{ type: 'and', operands: [a, b] }, c],
      });
    });

    it('binds NOT tighter than AND', () => {
      expect(parseCondition('NOT profile@a == 1 AND profile@b == 2')).to.deep.equal({
        type: 'and',
        operands: [{ type: 'not', operand: a }, b],
      });
    });

    it('applies NOT to a whole comparison', () => {
      expect(parseCondition('NOT profile@a == 1')).to.deep.equal({ type: 'not', operand: a });
    });

    it('lets parentheses override precedence', () => {
      expect(parseCondition('(profile@a == 1 OR profile@b == 2) AND profile@c == 3')).to.deep.equal({
        type: 'and',
        operands: [{ type: 'or', operands: [a, b] }, c],
      });
      expect(parseCondition('NOT (profile@a == 1 AND profile@b == 2)')).to.deep.equal({
        type: 'not',
        operand: { type: 'and', operands: [a, b] },
      });
    });

    it('collects a chain of the same operator into one node', () => {
      expect(parseCondition('profile@a == 1 and profile@b == 2 and profile@c == 3')).to.deep.equal({
        type: 'and',
        operands: [a, b, c],
      });
    });

    it('allows repeated NOT and redundant parentheses', () => {
      expect(parseCondition('not not ((profile@a == 1))')).to.deep.equal({
        type: 'not',
        operand: { type: 'not', operand: a },
      });
    });
  });

  describe('keywords and literals', () => {
    it('reads keywords in any case', () => {
      const expected = parseCondition('NOT profile@a == 1 AND profile@b == 2 OR profile@c == 3');
      expect(parseCondition('not profile@a == 1 and profile@b == 2 or profile@c == 3')).to.deep.equal(
        expected,
      );
      expect(parseCondition('Not profile@a == 1 And profile@b == 2 oR profile@c == 3')).to.deep.equal(
        expected,
      );
    });

    it('reads double- and single-quoted strings with escapes', () => {
      expect(parseCondition(`profile@a == "say \\"hi\\"\\n"`)).to.deep.equal(
        eq(ref('profile@a'), lit('say "hi"\n')),
      );
      expect(parseCondition(`profile@a == 'it\\'s \\u00e9'`)).to.deep.equal(
        eq(ref('profile@a'), lit("it's é")),
      );
    });

    it('keeps unknown backslash sequences so regular expressions need no doubling', () => {
      expect(parseCondition('matches(profile@a, "^A\\d+\\.$")')).to.deep.equal({
        type: 'call',
        name: 'matches',
        args: [ref('profile@a'), lit('^A\\d+\\.$')],
      });
    });

    it('reads integers, decimals, negative numbers and exponents', () => {
      const values = ['1', '-2', '3.25', '.5', '1e3', '-1.5E-2'].map((number) => {
        const tree = parseCondition(`profile@a == ${number}`) as { right: { value: number } };
        return tree.right.value;
      });
      expect(values).to.deep.equal([1, -2, 3.25, 0.5, 1000, -0.015]);
    });

    it('reads true, false and null in any case', () => {
      expect(parseCondition('profile@a == TRUE')).to.deep.equal(eq(ref('profile@a'), lit(true)));
      expect(parseCondition('profile@a == false')).to.deep.equal(eq(ref('profile@a'), lit(false)));
      expect(parseCondition('profile@a == Null')).to.deep.equal(eq(ref('profile@a'), lit(null)));
    });

    it('reads every comparison operator', () => {
      const operators = ['==', '!=', '<', '<=', '>', '>=', 'before', 'AFTER'].map((operator) => {
        const tree = parseCondition(`profile@a ${operator} 1`) as { operator: string };
        return tree.operator;
      });
      expect(operators).to.deep.equal(['==', '!=', '<', '<=', '>', '>=', 'before', 'after']);
    });

    it('needs no spaces around operators', () => {
      expect(parseCondition('profile@a==1')).to.deep.equal(a);
      expect(parseCondition('profile@a>=1')).to.have.property('operator', '>=');
    });

    it('reads references with indexes and quoted keys holding spaces and parentheses', () => {
      expect(parseCondition('event@items[0]["a (b), c"] == 1')).to.deep.equal(
        eq({ type: 'reference', source: 'event', path: ['items', 0, 'a (b), c'] }, lit(1)),
      );
    });
  });

  describe('predicates and functions', () => {
    it('reads EXISTS x and exists(x) as the same call', () => {
      const call = { type: 'call', name: 'exists', args: [ref('profile@a')] };
      expect(parseCondition('EXISTS profile@a')).to.deep.equal(call);
      expect(parseCondition('exists(profile@a)')).to.deep.equal(call);
    });

    it('reads EMPTY x and empty(x) as the same call', () => {
      const call = { type: 'call', name: 'empty', args: [ref('payload@text')] };
      expect(parseCondition('empty payload@text')).to.deep.equal(call);
      expect(parseCondition('EMPTY(payload@text)')).to.deep.equal(call);
    });

    it('binds EXISTS tighter than NOT and AND', () => {
      expect(parseCondition('NOT EXISTS profile@a AND profile@b == 2')).to.deep.equal({
        type: 'and',
        operands: [{ type: 'not', operand: { type: 'call', name: 'exists', args: [ref('profile@a')] } }, b],
      });
    });

    it('reads function names in any case and stores them in lower case', () => {
      expect(parseCondition('LOWER(profile@a) == "x"')).to.deep.equal(
        eq({ type: 'call', name: 'lower', args: [ref('profile@a')] }, lit('x')),
      );
    });

    it('reads calls without arguments and nested calls', () => {
      expect(parseCondition('days_since(date("2026-01-01")) > 3')).to.deep.equal({
        type: 'compare',
        operator: '>',
        left: {
          type: 'call',
          name: 'days_since',
          args: [{ type: 'call', name: 'date', args: [lit('2026-01-01')] }],
        },
        right: lit(3),
      });
      expect(parseCondition('now() after date("2026-01-01")')).to.have.nested.property('left.name', 'now');
    });

    it('does not mistake names that begin with a keyword for the keyword', () => {
      expect(syntaxError('exists_in(profile@a)').reason).to.contain("unknown function 'exists_in'");
      expect(syntaxError('order(profile@a)').reason).to.contain("unknown function 'order'");
    });
  });

  describe('the parsed tree', () => {
    it('is plain JSON that survives serialisation unchanged', () => {
      const tree = parseCondition(
        'profile@traits.age >= 18 AND (event@properties.rating < 3 OR NOT exists(profile@data.contact.email.main))',
      );
      expect(JSON.parse(JSON.stringify(tree))).to.deep.equal(tree);
    });
  });

  describe('syntax errors', () => {
    const cases: [string, string, number][] = [
      ["expected ')' but found the end of the condition", 'profile@a >= 18 AND (event@b < 3', 33],
      ["expected ')' but found 'profile@b'", 'lower(profile@a profile@b', 17],
      [
        "expected a value (a reference, a string, a number, true, false, null, a function call or '(') after '>=' but found the end of the condition",
        'profile@a >=',
        13,
      ],
      [
        "expected a value (a reference, a string, a number, true, false, null, a function call or '(') after 'AND' but found 'OR'",
        'profile@a == 1 AND OR profile@b',
        20,
      ],
      [
        "expected a value (a reference, a string, a number, true, false, null, a function call or '(') after '(' but found ')'",
        '()',
        2,
      ],
      [
        "unexpected 'profile@b' after a complete condition; join conditions with AND or OR",
        'profile@a profile@b',
        11,
      ],
      ["unexpected '<' after a complete condition; join conditions with AND or OR", '1 < 2 < 3', 7],
      ["unexpected '&&'; write AND", 'profile@a && profile@b', 11],
      ["unexpected '||'; write OR", 'profile@a || profile@b', 11],
      ["unexpected '='; write '==' to compare", 'profile@a = 1', 11],
      ["unexpected '!'; write NOT, or '!=' to compare", '!profile@a', 1],
      ["unexpected character '#'", 'profile@a == #', 14],
      ['unterminated string', 'profile@a == "abc', 14],
      ['the condition is empty', '   ', 1],
      [
        "unknown source 'profle' in 'profle@a': expected one of profile, event, session, payload, flow, memory",
        'profile@a == 1 OR profle@a == 1',
        19,
      ],
      [
        "malformed reference 'event@items[x]': expected an index (0, 1, ...) or a quoted key after '['",
        'event@items[x] == 1',
        13,
      ],
      ["malformed reference 'profile@a..b': expected a key after '.' but found '.'", '1 == profile@a..b', 16],
      ['lower() takes 1 argument, got 2', 'lower(profile@a, profile@b) == "x"', 18],
      ['now() takes 0 arguments, got 1', 'now(1) > 1', 5],
      ['matches() takes 2 to 3 arguments, got 1', 'matches(profile@a)', 18],
      ['invalid regular expression "[a"', 'matches(profile@a, "[a")', 20],
      ["regular expression flags may only be 'i', 'm', 's' and 'u'", 'matches(profile@a, "a", "g")', 25],
      [
        'invalid date "2026-02-30"; expected ISO 8601 such as "2026-01-31" or "2026-01-31T09:30:00Z"',
        'profile@a after date("2026-02-30")',
        22,
      ],
    ];
    for (const [reason, text, column] of cases) {
      it(`reports "${reason}" at column ${column} for: ${text}`, () => {
        const error = syntaxError(text);
        expect(error.reason).to.equal(reason);
        expect(error.column).to.equal(column);
        expect(error.offset).to.equal(column - 1);
        expect(error.message).to.equal(`${reason} at column ${column}`);
      });
    }

    it('names unknown functions and lists the known ones', () => {
      const error = syntaxError('lowr(profile@a) == "x"');
      expect(error.reason).to.match(/^unknown function 'lowr'; known functions are exists, empty, /);
      expect(error.column).to.equal(1);
    });

    it('explains a bare name that is neither a reference nor a call', () => {
      const error = syntaxError('age > 18');
      expect(error.reason).to.contain("'age' is neither a reference nor a function call");
      expect(error.reason).to.contain("'profile@traits.age'");
    });

    it('gives line and column in a condition that spans lines', () => {
      const error = syntaxError('profile@a == 1\n  AND (profile@b == 2');
      expect(error.line).to.equal(2);
      expect(error.column).to.equal(22);
      expect(error.message).to.equal("expected ')' but found the end of the condition at line 2, column 22");
    });

    it('reports nesting too deep for the parser as a syntax error', () => {
      const deep = `${'('.repeat(5000)}true${')'.repeat(5000)}`;
      expect(syntaxError(deep).reason).to.equal('the condition is nested too deeply');
      expect(parseCondition(`${'('.repeat(50)}true${')'.repeat(50)}`)).to.deep.equal(lit(true));
    });

    it('parses normally after a failed parse', () => {
      syntaxError('lower(lowr(profile@a))');
      syntaxError(`${'('.repeat(5000)}`);
      expect(parseCondition('profile@a == 1')).to.deep.equal(a);
    });

    it('is a NotationError with code condition-syntax', () => {
      const error = syntaxError('(');
      expect(error).to.be.instanceOf(NotationError);
      expect(error.code).to.equal('condition-syntax');
      expect(error.name).to.equal('ConditionSyntaxError');
    });
  });
});
