import { expect } from 'chai';
import { describe, it } from 'mocha';
import type { Json } from '../contract.js';
import { get, getIn, type NotationContext, NotationError, type Reference, setIn } from './index.js';

const context: NotationContext = {
  profile: {
    traits: { age: 42, name: 'Ann' },
    segments: ['vip'],
    data: { contact: { email: { main: null } } },
  },
  event: { type: 'page-view', properties: { items: [{ price: 9.5 }, { price: 20 }] } },
  session: { context: { browser: 'Firefox', 'user agent': 'Mozilla/5.0' } },
  payload: { x: { y: 'deep' } },
  flow: { id: 'flow-1' },
};

describe('reading values', () => {
  it('reads a value by reference from each source', () => {
    expect(get(context, 'profile@traits.age')).to.equal(42);
    expect(get(context, 'event@properties.items[0].price')).to.equal(9.5);
    expect(get(context, 'session@context.browser')).to.equal('Firefox');
    expect(get(context, 'session@context["user agent"]')).to.equal('Mozilla/5.0');
    expect(get(context, 'payload@x.y')).to.equal('deep');
    expect(get(context, 'flow@id')).to.equal('flow-1');
  });

  it('reads the whole source for an empty path', () => {
    expect(get(context, 'payload@')).to.deep.equal({ x: { y: 'deep' } });
  });

  it('accepts an already parsed reference', () => {
    expect(get(context, { source: 'event', path: ['properties', 'items', 1, 'price'] })).to.equal(20);
  });

  it('returns undefined for missing keys, indexes past the end and paths through scalars', () => {
    expect(get(context, 'profile@traits.height')).to.equal(undefined);
    expect(get(context, 'event@properties.items[5].price')).to.equal(undefined);
    expect(get(context, 'profile@traits.age.value')).to.equal(undefined);
    expect(get(context, 'profile@traits[0]')).to.equal(undefined);
  });

  it('keeps null distinct from missing', () => {
    expect(get(context, 'profile@data.contact.email.main')).to.equal(null);
    expect(get(context, 'profile@data.contact.email.other')).to.equal(undefined);
  });

  it('reads an absent source, such as memory, as missing', () => {
    expect(get(context, 'memory@counter')).to.equal(undefined);
    expect(get({ ...context, memory: { counter: 3 } }, 'memory@counter')).to.equal(3);
  });

  it('lets a digit key index an array', () => {
    expect(get(context, 'event@properties.items.1.price')).to.equal(20);
  });

  it('never reads inherited properties such as constructor or __proto__', () => {
    expect(get(context, 'profile@traits.constructor')).to.equal(undefined);
    expect(get(context, 'profile@traits.__proto__')).to.equal(undefined);
    expect(get(context, 'event@properties.items.length')).to.equal(undefined);
  });

  it('throws a NotationError for a malformed reference', () => {
    expect(() => get(context, 'profile@traits..age'))
      .to.throw(NotationError)
      .with.property('code', 'malformed-reference');
    expect(() => get(context, 'nobody@x'))
      .to.throw(NotationError)
      .with.property('code', 'unknown-source');
  });

  it('rejects a parsed reference with an unknown source instead of reading context internals', () => {
    const reference = { source: '__proto__', path: ['toString'] } as unknown as Reference;
    expect(() => get(context, reference))
      .to.throw(NotationError)
      .with.property('code', 'unknown-source');
  });

  it('follows a path string or segments inside a plain value with getIn', () => {
    expect(getIn({ a: [{ b: 1 }] }, 'a[0].b')).to.equal(1);
    expect(getIn({ a: [{ b: 1 }] }, ['a', 0, 'b'])).to.equal(1);
    expect(getIn(undefined, ['a'])).to.equal(undefined);
  });
});

describe('writing values', () => {
  it('returns a copy with the value set and leaves the input untouched', () => {
    const profile: Json = { traits: { age: 42 }, segments: ['vip'] };
    const before = JSON.stringify(profile);
    const updated = setIn(profile, 'traits.age', 43);
    expect(updated).to.deep.equal({ traits: { age: 43 }, segments: ['vip'] });
    expect(JSON.stringify(profile)).to.equal(before);
  });

  it('shares branches that are off the path', () => {
    const profile = { traits: { age: 42 }, segments: ['vip'] };
    const updated = setIn(profile, ['traits', 'age'], 43) as typeof profile;
    expect(updated.segments).to.equal(profile.segments);
    expect(updated.traits).not.to.equal(profile.traits);
  });

  it('creates missing objects and arrays along the path', () => {
    expect(setIn({}, 'a.b[1].c', true)).to.deep.equal({ a: { b: [null, { c: true }] } });
    expect(setIn(null, '[0]', 'x')).to.deep.equal(['x']);
    expect(setIn(undefined, 'a', 1)).to.deep.equal({ a: 1 });
  });

  it('replaces an array element without touching its neighbours', () => {
    const list = [1, 2, 3];
    expect(setIn(list, [1], 20)).to.deep.equal([1, 20, 3]);
    expect(list).to.deep.equal([1, 2, 3]);
  });

  it('fills a gap past the end of an array with null', () => {
    expect(setIn({ tags: ['a'] }, 'tags[3]', 'd')).to.deep.equal({ tags: ['a', null, null, 'd'] });
  });

  it('returns the value itself for an empty path', () => {
    expect(setIn({ a: 1 }, [], 'whole')).to.equal('whole');
  });

  it('stores a key named __proto__ as data without changing any prototype', () => {
    const updated = setIn({}, ['__proto__', 'polluted'], true) as Record<string, unknown>;
    expect(Object.getPrototypeOf(updated)).to.equal(Object.prototype);
    expect(Object.keys(updated)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('refuses to descend into a scalar with a path-conflict error naming the path', () => {
    expect(() => setIn({ traits: { name: 'Ann' } }, 'traits.name.first', 'A'))
      .to.throw(NotationError, "cannot set 'traits.name.first': 'traits.name' is a string")
      .with.property('code', 'path-conflict');
    expect(() => setIn(5, 'a', 1)).to.throw(NotationError, 'the root value is a number');
  });

  it('refuses a non-numeric key on an array', () => {
    expect(() => setIn({ tags: [] }, 'tags.first', 'a'))
      .to.throw(NotationError, "an array, which has no key 'first'")
      .with.property('code', 'path-conflict');
  });

  it('accepts a digit key as an array index', () => {
    expect(setIn({ tags: ['a', 'b'] }, 'tags.1', 'B')).to.deep.equal({ tags: ['a', 'B'] });
  });
});
