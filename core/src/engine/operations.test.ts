/// <reference types="mocha" />
import type { JsonObject, ProfileOperation } from '@cairn/sdk';
import { expect } from 'chai';
import { applyOperations } from './operations.js';

function apply(profile: JsonObject, ...operations: ProfileOperation[]): JsonObject {
  const result = applyOperations(profile, operations);
  if (!result.ok) throw new Error(`expected success, got ${result.error.message}`);
  return result.profile;
}

function failure(profile: JsonObject, ...operations: ProfileOperation[]) {
  const result = applyOperations(profile, operations);
  if (result.ok) throw new Error('expected the operations to fail');
  return result.error;
}

describe('profile operations', () => {
  describe('set', () => {
    it('writes a value, creating the objects on its path', () => {
      const next = apply(
        { id: 'p' },
        { op: 'set', path: 'data.contact.email.main', value: 'ada@example.com' },
      );
      expect(next).to.deep.equal({ id: 'p', data: { contact: { email: { main: 'ada@example.com' } } } });
    });

    it('replaces an existing value and keeps its siblings', () => {
      const next = apply(
        { traits: { plan: 'free', name: 'Ada' } },
        { op: 'set', path: 'traits.plan', value: 'pro' },
      );
      expect(next).to.deep.equal({ traits: { plan: 'pro', name: 'Ada' } });
    });

    it('never changes the profile it was given, nor shares the written value', () => {
      const profile = { traits: { plan: 'free' } };
      const value = { tags: ['a'] };
      const next = apply(profile, { op: 'set', path: 'traits.extra', value });
      value.tags.push('b');
      expect(profile).to.deep.equal({ traits: { plan: 'free' } });
      expect(next.traits).to.deep.equal({ plan: 'free', extra: { tags: ['a'] } });
    });

    it('refuses to write through a field that is not an object', () => {
      const error = failure(
        { traits: { address: 'Main St 1' } },
        { op: 'set', path: 'traits.address.city', value: 'Oslo' },
      );
      expect(error.code).to.equal('path_conflict');
      expect(error.message).to.contain('traits.address holds a string, not an object');
    });
  });

  describe('unset', () => {
    it('removes the field and keeps its siblings', () => {
      const next = apply({ traits: { plan: 'pro', name: 'Ada' } }, { op: 'unset', path: 'traits.plan' });
      expect(next).to.deep.equal({ traits: { name: 'Ada' } });
    });

    it('does nothing when the field or a parent is missing', () => {
      const profile = { traits: { name: 'Ada' } };
      expect(apply(profile, { op: 'unset', path: 'traits.plan' })).to.deep.equal(profile);
      expect(apply(profile, { op: 'unset', path: 'data.contact.email' })).to.deep.equal(profile);
    });
  });

  describe('increment', () => {
    it('adds to a number and starts a missing counter at zero', () => {
      const next = apply(
        { stats: { visits: 3, counters: { reviews: 2 } } },
        { op: 'increment', path: 'stats.counters.reviews', by: 1 },
        { op: 'increment', path: 'stats.counters.refunds', by: -2 },
      );
      expect(next).to.deep.equal({ stats: { visits: 3, counters: { reviews: 3, refunds: -2 } } });
    });

    it('fails on a field that holds something other than a number', () => {
      const error = failure({ traits: { age: 'forty' } }, { op: 'increment', path: 'traits.age', by: 1 });
      expect(error).to.deep.equal({
        code: 'not_a_number',
        message:
          'operations[0] (increment traits.age): cannot increment traits.age: it holds a string, not a number',
        index: 0,
        path: 'traits.age',
      });
    });

    it('fails when `by` is not a finite number', () => {
      const bad = { op: 'increment', path: 'traits.age', by: '1' } as unknown as ProfileOperation;
      expect(failure({}, bad).code).to.equal('invalid_operation');
    });
  });

  describe('append', () => {
    it('starts a list and appends in order', () => {
      const next = apply(
        {},
        { op: 'append', path: 'interests.tags', value: 'shoes' },
        { op: 'append', path: 'interests.tags', value: { name: 'hats' } },
      );
      expect(next).to.deep.equal({ interests: { tags: ['shoes', { name: 'hats' }] } });
    });

    it('fails on a field that is not a list', () => {
      const error = failure(
        { interests: { tags: 'shoes' } },
        { op: 'append', path: 'interests.tags', value: 'hats' },
      );
      expect(error.code).to.equal('not_an_array');
      expect(error.message).to.contain('interests.tags');
    });
  });

  describe('segments', () => {
    it('keeps a sorted list without duplicates', () => {
      const next = apply(
        { segments: ['vip'] },
        { op: 'segment.add', segment: 'churn-risk' },
        { op: 'segment.add', segment: 'vip' },
        { op: 'segment.add', segment: 'b2b' },
      );
      expect(next.segments).to.deep.equal(['b2b', 'churn-risk', 'vip']);
    });

    it('removes a segment and ignores one the profile is not in', () => {
      const next = apply(
        { segments: ['b2b', 'vip'] },
        { op: 'segment.remove', segment: 'vip' },
        { op: 'segment.remove', segment: 'never' },
      );
      expect(next.segments).to.deep.equal(['b2b']);
    });

    it('rejects an empty segment name', () => {
      expect(failure({}, { op: 'segment.add', segment: '' }).code).to.equal('invalid_operation');
    });
  });

  describe('consents', () => {
    it('grants a consent without or with a revoke time, stored in UTC', () => {
      const next = apply(
        {},
        { op: 'consent.grant', consent: 'sms' },
        { op: 'consent.grant', consent: 'email', revokeAt: '2030-01-31T02:00:00+02:00' },
      );
      expect(next.consents).to.deep.equal({
        sms: { revoke: null },
        email: { revoke: '2030-01-31T00:00:00.000Z' },
      });
    });

    it('revokes a consent by removing it', () => {
      const next = apply(
        { consents: { sms: { revoke: null }, email: { revoke: null } } },
        {
          op: 'consent.revoke',
          consent: 'sms',
        },
      );
      expect(next.consents).to.deep.equal({ email: { revoke: null } });
    });

    it('rejects a revoke time that is not an ISO-8601 date-time', () => {
      const error = failure({}, { op: 'consent.grant', consent: 'sms', revokeAt: 'next tuesday' });
      expect(error.code).to.equal('invalid_operation');
      expect(error.message).to.contain('revokeAt');
    });
  });

  describe('paths', () => {
    for (const path of [
      'id',
      'traits',
      'stats.visits',
      'stats.counters',
      'segments',
      'metadata.time.created',
    ]) {
      it(`does not let an operation write "${path}"`, () => {
        const error = failure({}, { op: 'set', path, value: 1 });
        expect(error.code).to.equal('path_not_writable');
        expect(error.path).to.equal(path);
      });
    }

    for (const path of ['traits.', 'traits..plan', '']) {
      it(`rejects the malformed path "${path}"`, () => {
        expect(failure({}, { op: 'set', path, value: 1 }).code).to.equal('invalid_path');
      });
    }

    it('rejects names that would reach the object prototype', () => {
      const error = failure({}, { op: 'set', path: 'traits.__proto__.polluted', value: true });
      expect(error.code).to.equal('invalid_path');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(failure({}, { op: 'consent.grant', consent: '__proto__' }).code).to.equal('invalid_operation');
    });
  });

  it('applies all operations or none, naming the one that failed', () => {
    const profile = { traits: { age: 'forty' } };
    const result = applyOperations(profile, [
      { op: 'set', path: 'traits.plan', value: 'pro' },
      { op: 'increment', path: 'traits.age', by: 1 },
    ]);
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.error.index).to.equal(1);
    expect(profile).to.deep.equal({ traits: { age: 'forty' } });
  });

  it('replayed on a stored profile that changed meanwhile, keeps both changes', () => {
    const inFlight = { traits: { plan: 'free' }, stats: { counters: { reviews: 1 } } };
    const operations: ProfileOperation[] = [
      { op: 'increment', path: 'stats.counters.reviews', by: 1 },
      { op: 'segment.add', segment: 'reviewer' },
    ];
    expect(apply(inFlight, ...operations).stats).to.deep.equal({ counters: { reviews: 2 } });
    const storedNow = { traits: { plan: 'pro' }, stats: { counters: { reviews: 4 } }, segments: ['vip'] };
    expect(apply(storedNow, ...operations)).to.deep.equal({
      traits: { plan: 'pro' },
      stats: { counters: { reviews: 5 } },
      segments: ['reviewer', 'vip'],
    });
  });

  it('rejects an operation it does not know', () => {
    const error = failure({}, { op: 'merge', path: 'traits.x' } as unknown as ProfileOperation);
    expect(error.code).to.equal('invalid_operation');
    expect(error.message).to.contain('unknown operation "merge"');
  });
});
