import { expect } from 'chai';
import { toE164 } from './phone-number.js';

describe('recipient number check', () => {
  it('turns international numbers, as people write them, into E.164', () => {
    for (const [written, number] of [
      ['+48601234567', '+48601234567'],
      ['+48 601 234 567', '+48601234567'],
      ['  +1 (415) 555-0100 ', '+14155550100'],
      ['+44 7911 123456', '+447911123456'],
      ['+49 1512.3456789', '+4915123456789'],
    ]) {
      expect(toE164(written!), written).to.deep.equal({ number });
    }
  });

  it('calls an empty recipient missing, and a national number not international', () => {
    expect(toE164('  ')).to.deep.equal({ problem: 'missing' });
    expect(toE164('601 234 567')).to.deep.equal({ problem: 'not-international' });
    expect(toE164('0048 601 234 567')).to.deep.equal({ problem: 'not-international' });
  });

  it('refuses numbers that do not fit their country, unknown country codes and extra text', () => {
    for (const written of [
      '+48 601',
      '+1 111 555 0100',
      '+999 123456',
      '+1234567890123456',
      '+1 415 555 0100 ext. 2',
      '+48601234567, +48601234568',
      '+48 601 234 567 call me',
      '+',
    ]) {
      expect(toE164(written), written).to.deep.equal({ problem: 'invalid' });
    }
  });
});
