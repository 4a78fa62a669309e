import { expect } from 'chai';
import { describe, it } from 'mocha';
import {
  formatPath,
  formatReference,
  isReference,
  NotationError,
  parsePath,
  parseReference,
  SOURCES,
} from './index.js';

function errorOf(action: () => unknown): NotationError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(NotationError);
    return error as NotationError;
  }
  throw new Error('expected a NotationError');
}

describe('references', () => {
  describe('parseReference', () => {
    it('splits a reference into its source and path segments', () => {
      expect(parseReference('profile@traits.age')).to.deep.equal({
        source: 'profile',
        path: ['traits', 'age'],
      });
    });

    it('reads [n] as an array index', () => {
      expect(parseReference('event@properties.items[0].price')).to.deep.equal({
        source: 'event',
        path: ['properties', 'items', 0, 'price'],
      });
    });

    it('reads consecutive indexes and a leading index', () => {
      expect(parseReference('payload@[1][12].x')).to.deep.equal({ source: 'payload', path: [1, 12, 'x'] });
    });

    it('reads quoted keys with spaces, dots and escaped quotes', () => {
      expect(parseReference('session@context["user agent"][\'a.b\']["say \\"hi\\""]')).to.deep.equal({
        source: 'session',
        path: ['context', 'user agent', 'a.b', 'say "hi"'],
      });
    });

    it('accepts every context source', () => {
      for (const source of SOURCES) {
        expect(parseReference(`${source}@x`).source).to.equal(source);
      }
      expect(SOURCES).to.deep.equal(['profile', 'event', 'session', 'payload', 'flow', 'memory']);
    });

    it('treats an empty path as the whole source', () => {
      expect(parseReference('payload@')).to.deep.equal({ source: 'payload', path: [] });
    });

    it('keeps digits after a dot as a string key', () => {
      expect(parseReference('flow@steps.0')).to.deep.equal({ source: 'flow', path: ['steps', '0'] });
    });

    it('allows hyphens, dollars and non-ASCII letters in bare keys', () => {
      expect(parseReference('event@properties.review-score.$v.größe').path).to.deep.equal([
        'properties',
        'review-score',
        '$v',
        'größe',
      ]);
    });

    it('rejects an unknown source with code unknown-source and lists the known ones', () => {
      const error = errorOf(() => parseReference('profle@traits.age'));
      expect(error.code).to.equal('unknown-source');
      expect(error.message)
        .to.contain("'profle'")
        .and.contain('profile, event, session, payload, flow, memory');
    });

    it('rejects sources in another case', () => {
      expect(errorOf(() => parseReference('Profile@traits')).code).to.equal('unknown-source');
    });

    it('rejects text without source@', () => {
      const error = errorOf(() => parseReference('traits.age'));
      expect(error.code).to.equal('malformed-reference');
      expect(error.message).to.contain("expected 'source@path'");
    });

    const malformed: [string, number, string][] = [
      ['profile@traits..age', 15, "expected a key after '.' but found '.'"],
      ['profile@traits.', 15, "expected a key after '.' but found the end"],
      ['profile@.traits', 8, "expected a key after '@' but found '.'"],
      ['event@items[x]', 12, "expected an index (0, 1, ...) or a quoted key after '['"],
      ['event@items[1', 13, "expected ']'"],
      ['event@items[-1]', 12, 'expected an index'],
      ['event@["a', 7, 'unterminated quoted key'],
      ['event@["a"x]', 10, "expected ']' after the quoted key"],
      ['event@a b', 7, "unexpected ' '"],
      ['event@a]', 7, "unexpected ']'"],
    ];
    for (const [text, offset, reason] of malformed) {
      it(`rejects '${text}' with the offset of the problem`, () => {
        const error = errorOf(() => parseReference(text));
        expect(error.code).to.equal('malformed-reference');
        expect(error.offset).to.equal(offset);
        expect(error.message)
          .to.contain(reason)
          .and.contain(`at column ${offset + 1}`);
      });
    }
  });

  describe('parsePath', () => {
    it('reads a path without a source', () => {
      expect(parsePath('data.contact.email.main')).to.deep.equal(['data', 'contact', 'email', 'main']);
      expect(parsePath('[2].name')).to.deep.equal([2, 'name']);
    });

    it('reads the empty string as the empty path', () => {
      expect(parsePath('')).to.deep.equal([]);
    });

    it('rejects a path that starts with a dot', () => {
      expect(errorOf(() => parsePath('.a')).message).to.contain("expected a key or '[' at the start");
    });
  });

  describe('isReference', () => {
    it('is true for well-formed references to known sources', () => {
      expect(isReference('profile@traits.age')).to.equal(true);
      expect(isReference('event@properties.items[0]')).to.equal(true);
      expect(isReference('memory@')).to.equal(true);
    });

    it('is false for plain text, e-mail addresses, unknown sources and malformed paths', () => {
      expect(isReference('hello')).to.equal(false);
      expect(isReference('ann@example.com')).to.equal(false);
      expect(isReference('profile@traits..age')).to.equal(false);
      expect(isReference(' profile@traits')).to.equal(false);
      expect(isReference('Hi {{profile@traits.name}}')).to.equal(false);
    });
  });

  describe('formatReference', () => {
    it('writes the canonical text that parses back to the same reference', () => {
      const reference = { source: 'event' as const, path: ['items', 0, 'user agent', 'say "\\hi"', 'x'] };
      const text = formatReference(reference);
      expect(text).to.equal('event@items[0]["user agent"]["say \\"\\\\hi\\""].x');
      expect(parseReference(text)).to.deep.equal(reference);
    });

    it('writes a leading index without a dot', () => {
      expect(formatPath([0, 'a'])).to.equal('[0].a');
    });
  });
});
