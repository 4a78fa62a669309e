import { expect } from 'chai';
import { addressProblem } from './address.js';

describe('recipient address check', () => {
  it('accepts one plain address, including sub-addresses and international domains', () => {
    for (const address of [
      'ann@example.com',
      'ann.smith+orders@mail.example.co.uk',
      'jörg@bücher.de',
      "o'neil@example.ie",
    ]) {
      expect(addressProblem(address), address).to.equal(null);
    }
  });

  it('calls an empty recipient missing', () => {
    expect(addressProblem('')).to.equal('missing');
  });

  it('refuses lists, display names, bare hosts and broken parts', () => {
    for (const address of [
      'ann',
      '@example.com',
      'ann@',
      'ann@localhost',
      'ann@example..com',
      'ann@-example.com',
      '.ann@example.com',
      'ann..smith@example.com',
      'ann@example.com, eve@example.com',
      'ann@example.com;eve@example.com',
      'Ann <ann@example.com>',
      'ann smith@example.com',
      'ann@exa mple.com',
      `${'a'.repeat(65)}@example.com`,
      `ann@${'a'.repeat(250)}.com`,
    ]) {
      expect(addressProblem(address), address).to.equal('malformed');
    }
  });
});
