import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { permissionTableMarkdown, routeTableMarkdown } from './permissions.js';

describe('docs/security.md', () => {
  const doc = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');

  it('shows the role × permission table exactly as the code grants it', () => {
    expect(doc).to.contain(permissionTableMarkdown());
  });

  it('lists every admin route with the permission the guard asks for', () => {
    expect(doc).to.contain(routeTableMarkdown());
  });
});
