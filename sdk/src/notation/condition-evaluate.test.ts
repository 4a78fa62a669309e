import { expect } from 'chai';
import { describe, it } from 'mocha';
import {
  type ConditionNode,
  evaluate,
  type NotationContext,
  NotationError,
  parseCondition,
} from './index.js';

const NOW = '2026-03-01T12:00:00Z';

const context: NotationContext = {
  profile: {
    traits: { age: 42, name: 'Ann', nickname: '', vip: true, score: null, zero: 0, off: false },
    segments: ['vip', 'new'],
    tags: [{ id: 1 }, { id: 2 }],
    data: { contact: { email: { main: 'ann@example.com' }, phone: null } },
    metadata: { time: { create: '2026-01-01T00:00:00Z', visit: '2026-03-01T09:00:00+01:00' } },
    interests: {},
  },
  event: {
    type: 'page-view',
    properties: { rating: 2, items: [1, 2, 3], code: 'A123', price: '19.90', text: 'Grüße 👋' },
    metadata: { time: { create: '2026-02-01 10:00:00.123456' } },
  },
  session: { context: { browser: 'Firefox' } },
  payload: { text: '', list: [], object: {}, ms: 1767225600000 },
  flow: { id: 'flow-1' },
};

function check(condition: string, extra: NotationContext = {}): boolean {
  return evaluate(parseCondition(condition), { ...context, ...extra }, { now: NOW });
}

function expectAll(conditions: string[], expected: boolean): void {
  for (const condition of conditions) {
    expect(check(condition), condition).to.equal(expected);
  }
}

describe('condition evaluation', () => {
  describe('the examples from the documentation', () => {
    it('evaluates a mix of comparisons, groups and predicates', () => {
      const condition =
        'profile@traits.age >= 18 AND (event@properties.rating < 3 OR NOT exists(profile@data.contact.email.main))';
      expect(check(condition)).to.equal(true);
      expect(check(condition, { event: { properties: { rating: 5 } } })).to.equal(false);
      expect(
        check(condition, { event: { properties: { rating: 5 } }, profile: { traits: { age: 20 } } }),
      ).to.equal(true);
      expect(check(condition, { profile: { traits: { age: 17 } } })).to.equal(false);
    });
  });

  describe('boolean logic', () => {
    it('binds AND tighter than OR when evaluating', () => {
      expect(check('true OR false AND false')).to.equal(true);
      expect(check('(true OR false) AND false')).to.equal(false);
    });

    it('binds NOT tighter than AND when evaluating', () => {
      expect(check('NOT false AND false')).to.equal(false);
      expect(check('NOT (false AND false)')).to.equal(true);
    });

    it('treats a value on its own as true only when it is the boolean true', () => {
      expectAll(['profile@traits.vip', 'true', '(profile@traits.age > 1)'], true);
      expectAll(
        ['profile@traits.age', 'profile@traits.name', 'profile@segments', 'profile@missing', '1', '"true"'],
        false,
      );
    });

    it('negates anything that is not the boolean true', () => {
      expectAll(['NOT profile@traits.age', 'NOT profile@missing', 'NOT null'], true);
      expect(check('NOT profile@traits.vip')).to.equal(false);
    });

    it('compares boolean results of groups', () => {
      expect(check('(profile@traits.age > 18) == true')).to.equal(true);
      expect(check('(profile@traits.age > 50) == profile@traits.off')).to.equal(true);
    });
  });

  describe('comparisons', () => {
    it('orders numbers numerically', () => {
      expectAll(
        ['profile@traits.age > 41', 'profile@traits.age >= 42', 'profile@traits.age < 42.5', '-1 < 0'],
        true,
      );
      expectAll(['profile@traits.age > 42', 'profile@traits.age <= 41', '10 < 9'], false);
    });

    it('orders strings by character code', () => {
      expectAll(
        ['"apple" < "banana"', '"Zebra" < "apple"', '"a" <= "a"', '"2026-01-02" > "2026-01-01"'],
        true,
      );
      expect(check('"10" < "9"')).to.equal(true);
    });

    it('compares equality deeply for arrays and objects', () => {
      expect(check('profile@segments == profile@segments')).to.equal(true);
      expect(check('profile@tags[1] == event@missing', { event: { missing: { id: 2 } } })).to.equal(true);
      expect(check('profile@tags[1] == event@other', { event: { other: { id: 3 } } })).to.equal(false);
      expect(check('payload@list == payload@object')).to.equal(false);
    });

    it('does not convert between types for equality', () => {
      expectAll(
        ['profile@traits.age == "42"', 'profile@traits.zero == false', 'profile@traits.nickname == null'],
        false,
      );
      expectAll(['profile@traits.age != "42"', 'profile@traits.zero != false'], true);
    });

    it('treats a missing value as equal to null and to another missing value', () => {
      expectAll(
        ['profile@missing == null', 'profile@traits.score == null', 'profile@missing == event@missing'],
        true,
      );
      expectAll(['profile@missing != null', 'profile@missing == 0', 'profile@missing == ""'], false);
      expect(check('profile@missing != 1')).to.equal(true);
    });

    it('makes ordering across mismatched types false rather than an error', () => {
      expectAll(
        [
          'event@properties.price > 10',
          'event@properties.price < 10',
          'profile@traits.age > "1"',
          'profile@missing > 0',
          'profile@missing < 0',
          'null < 1',
          'true > false',
          'profile@segments > 1',
          'profile@traits >= profile@traits',
        ],
        false,
      );
    });
  });

  describe('presence helpers', () => {
    it('exists is true for any value except null and missing', () => {
      expectAll(
        [
          'exists(profile@traits.name)',
          'EXISTS profile@traits.nickname',
          'exists(profile@traits.zero)',
          'exists(profile@traits.off)',
          'exists(payload@list)',
        ],
        true,
      );
      expectAll(['exists(profile@traits.score)', 'EXISTS profile@nothing.at.all', 'exists(null)'], false);
    });

    it('empty is true for missing, null, "", [] and {} only', () => {
      expectAll(
        [
          'empty(payload@text)',
          'EMPTY payload@list',
          'empty(payload@object)',
          'empty(profile@traits.score)',
          'empty(profile@missing)',
          'empty(profile@interests)',
        ],
        true,
      );
      expectAll(
        ['empty(profile@traits.zero)', 'empty(profile@traits.off)', 'empty(" ")', 'empty(now())'],
        false,
      );
    });
  });

  describe('text helpers', () => {
    it('starts_with and ends_with test string prefixes and suffixes', () => {
      expectAll(
        ['starts_with(event@type, "page")', 'ends_with(event@type, "view")', 'starts_with(event@type, "")'],
        true,
      );
      expectAll(['starts_with(event@type, "view")', 'ends_with(event@type, "page")'], false);
    });

    it('starts_with and ends_with are false for values that are not strings', () => {
      expectAll(
        ['starts_with(profile@traits.age, "4")', 'ends_with(profile@missing, "")', 'starts_with("4", 4)'],
        false,
      );
    });

    it('contains finds substrings, array elements (deeply) and object keys', () => {
      expectAll(
        [
          'contains(profile@segments, "vip")',
          'contains(event@type, "ge-vi")',
          'contains(event@properties.items, 2)',
          'contains(profile@traits, "name")',
        ],
        true,
      );
      expect(check('contains(profile@tags, event@t)', { event: { t: { id: 2 } } })).to.equal(true);
      expectAll(
        [
          'contains(profile@segments, "vi")',
          'contains(event@properties.items, "2")',
          'contains(profile@traits, "height")',
          'contains(profile@traits.age, 4)',
          'contains(profile@missing, "a")',
          'contains(event@type, 1)',
        ],
        false,
      );
    });

    it('lower, upper and trim transform strings', () => {
      expectAll(
        ['lower(profile@traits.name) == "ann"', 'upper(profile@traits.name) == "ANN"', 'trim("  a ") == "a"'],
        true,
      );
    });

    it('lower, upper and trim give no value for other types, so comparisons with them are false', () => {
      expectAll(
        ['lower(profile@traits.age) == "42"', 'upper(profile@missing) == ""', 'exists(trim(1))'],
        false,
      );
      expect(check('lower(profile@traits.age) == null')).to.equal(true);
    });

    it('length counts characters, array elements and object keys', () => {
      expectAll(
        [
          'length(event@properties.items) > 2',
          'length(event@properties.items) == 3',
          'length(profile@traits.name) == 3',
          'length(event@properties.text) == 7',
          'length(profile@interests) == 0',
          'length(profile@traits) == 7',
        ],
        true,
      );
      expectAll(['length(profile@traits.age) >= 0', 'exists(length(profile@missing))'], false);
    });

    it('matches tests a regular expression, with optional flags', () => {
      expectAll(
        [
          'matches(event@properties.code, "^A[0-9]+$")',
          'matches(event@properties.code, "^A\\d{3}$")',
          'matches(event@properties.code, "^a", "i")',
        ],
        true,
      );
      expectAll(['matches(event@properties.code, "^B")', 'matches(event@properties.code, "^a")'], false);
    });

    it('matches is false for values that are not strings and for invalid patterns from data', () => {
      expectAll(['matches(profile@traits.age, "4")', 'matches(event@type, profile@missing)'], false);
      expect(check('matches(event@type, event@pattern)', { event: { type: 'x', pattern: '[' } })).to.equal(
        false,
      );
      expect(check('matches(event@type, "x", event@flags)', { event: { type: 'x', flags: 'g' } })).to.equal(
        false,
      );
    });

    it('number reads numeric text and passes numbers through', () => {
      expectAll(
        [
          'number(event@properties.price) > 19',
          'number(event@properties.price) == 19.9',
          'number(" -3e2 ") == -300',
          'number(5) == 5',
        ],
        true,
      );
      expectAll(
        ['exists(number("abc"))', 'exists(number(""))', 'exists(number(true))', 'exists(number("1,5"))'],
        false,
      );
    });
  });

  describe('date helpers', () => {
    it('now() is the time given to evaluate', () => {
      expect(check('now() == date("2026-03-01T12:00:00Z")')).to.equal(true);
      const tree = parseCondition('now() after date("2026-01-01")');
      expect(evaluate(tree, context, { now: new Date('2025-12-31T00:00:00Z') })).to.equal(false);
      expect(evaluate(tree, context, { now: Date.UTC(2026, 0, 2) })).to.equal(true);
    });

    it('now() defaults to the current clock', () => {
      expect(evaluate(parseCondition('now() after date("2020-01-01")'), context)).to.equal(true);
      expect(evaluate(parseCondition('now() before date("2020-01-01")'), context)).to.equal(false);
    });

    it('rejects an invalid now option', () => {
      expect(() => evaluate(parseCondition('true'), context, { now: 'yesterday' }))
        .to.throw(NotationError, "'now' is not a valid time: yesterday")
        .with.property('code', 'invalid-option');
      expect(() => evaluate(parseCondition('true'), context, { now: new Date('nonsense') })).to.throw(
        NotationError,
      );
    });

    it('date reads ISO 8601 dates and date-times, taking times without an offset as UTC', () => {
      expectAll(
        [
          'date("2026-01-01") == date("2026-01-01T00:00:00Z")',
          'date("2026-01-01T02:00:00+02:00") == date("2026-01-01")',
          'date("2026-01-01T00:00:00-0130") == date("2026-01-01T01:30:00Z")',
          'date("2026-01-01 10:00") == date("2026-01-01T10:00:00.000Z")',
          'date("2026-01-01T10:00:00.123456") == date("2026-01-01T10:00:00.123Z")',
          'date(payload@ms) == date("2026-01-01")',
        ],
        true,
      );
    });

    it('date gives no value for text that is not an ISO 8601 date', () => {
      expectAll(
        [
          'exists(date(event@d))',
          'date(event@d) == date("2026-01-01")',
          'date(event@d) before now()',
          'date(event@d) after now()',
        ],
        false,
      );
      for (const bad of ['01/02/2026', '2026-13-01', '2026-02-29', '2026-01-01T24:00', 'tomorrow', '']) {
        expect(check('exists(date(event@d))', { event: { d: bad } }), bad).to.equal(false);
      }
      expect(check('exists(date(event@d))', { event: { d: '2028-02-29' } })).to.equal(true);
    });

    it('before and after compare ISO strings, epoch milliseconds and dates', () => {
      expectAll(
        [
          'event@metadata.time.create after date("2026-01-01")',
          'event@metadata.time.create before "2026-02-02"',
          'profile@metadata.time.create before event@metadata.time.create',
          'payload@ms before date("2026-01-01T00:00:01Z")',
          'profile@metadata.time.visit after "2026-03-01T07:59:59Z"',
        ],
        true,
      );
      expectAll(
        [
          'event@metadata.time.create before date("2026-01-01")',
          'date("2026-01-01") after date("2026-01-01")',
        ],
        false,
      );
    });

    it('before and after are false when either side is not a date', () => {
      expectAll(
        [
          'profile@missing before now()',
          'profile@missing after now()',
          'event@type after date("2026-01-01")',
          'true before now()',
        ],
        false,
      );
    });

    it('ordinary comparisons read the other side as a date when one side is a date', () => {
      expectAll(
        [
          'event@metadata.time.create > date("2026-01-01")',
          'date("2026-01-01") <= profile@metadata.time.create',
          'profile@metadata.time.create == date("2026-01-01")',
          'event@type != date("2026-01-01")',
        ],
        true,
      );
      expectAll(['event@type == date("2026-01-01")', 'event@type < now()', 'event@type > now()'], false);
    });

    it('days_since counts whole days elapsed until now', () => {
      expectAll(
        [
          'days_since(profile@metadata.time.create) > 30',
          'days_since(profile@metadata.time.create) == 59',
          'days_since("2026-03-01T00:00:00Z") == 0',
          'days_since("2026-03-02") == -1',
          'days_since(payload@ms) == 59',
        ],
        true,
      );
    });

    it('hours_since counts whole hours elapsed until now', () => {
      expectAll(
        ['hours_since(profile@metadata.time.visit) == 4', 'hours_since("2026-03-01T11:59:00Z") == 0'],
        true,
      );
    });

    it('days_since and hours_since give no value for what is not a date', () => {
      expectAll(
        ['days_since(event@type) > 0', 'days_since(profile@missing) < 0', 'exists(hours_since(true))'],
        false,
      );
    });
  });

  describe('parse once, evaluate many times', () => {
    it('evaluates a tree restored from JSON against different contexts', () => {
      const stored = JSON.stringify(
        parseCondition('profile@traits.age >= 18 AND contains(profile@segments, "vip")'),
      );
      const tree = JSON.parse(stored) as ConditionNode;
      expect(evaluate(tree, { profile: { traits: { age: 20 }, segments: ['vip'] } })).to.equal(true);
      expect(evaluate(tree, { profile: { traits: { age: 20 }, segments: [] } })).to.equal(false);
      expect(evaluate(tree, { profile: null })).to.equal(false);
      expect(evaluate(tree, {})).to.equal(false);
    });

    it('rejects a tree that parseCondition cannot produce', () => {
      const cases: unknown[] = [
        { type: 'xor', operands: [] },
        { type: 'call', name: 'eval', args: [] },
        { type: 'reference', source: '__proto__', path: ['toString'] },
        { type: 'reference', source: 'profile', path: 'traits' },
        { type: 'reference', source: 'profile', path: [-1] },
        { type: 'literal', value: { a: 1 } },
        { type: 'and', operands: 'x' },
        {
          type: 'compare',
          operator: '=',
          left: { type: 'literal', value: 1 },
          right: { type: 'literal', value: 1 },
        },
        { type: 'call', name: 'lower', args: [] },
        { type: 'not', operand: { type: 'literal' } },
        null,
      ];
      for (const tree of cases) {
        expect(() => evaluate(tree as ConditionNode, context))
          .to.throw(NotationError)
          .with.property('code', 'invalid-condition-ast');
      }
    });
  });
});
