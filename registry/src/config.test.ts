import { resolve } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadRegistryConfig } from './config.js';

describe('registry configuration', () => {
  it('defaults to port 8690, an SQLite file in ./registry-data, 5 MB packages and open sign-up', () => {
    const config = loadRegistryConfig({});
    expect(config.port).to.equal(8690);
    expect(config.dataDir).to.equal(resolve('registry-data'));
    expect(config.databaseUrl).to.equal(`sqlite:${resolve('registry-data', 'registry.sqlite')}`);
    expect(config.maxPackageBytes).to.equal(5 * 1024 * 1024);
    expect(config.openSignup).to.equal(true);
    expect(config.adminToken).to.equal(undefined);
  });

  it('reads sizes with units, MySQL URLs and closed sign-up', () => {
    const config = loadRegistryConfig({
      CAIRN_REGISTRY_MAX_PACKAGE: '512kb',
      CAIRN_REGISTRY_DATABASE_URL: 'mysql://root@127.0.0.1:3306/registry',
      CAIRN_REGISTRY_OPEN_SIGNUP: 'false',
      CAIRN_REGISTRY_ADMIN_TOKEN: 'an-admin-token-of-some-length',
    });
    expect(config.maxPackageBytes).to.equal(512 * 1024);
    expect(config.databaseUrl).to.equal('mysql://root@127.0.0.1:3306/registry');
    expect(config.openSignup).to.equal(false);
  });

  it('names the variable at fault', () => {
    const cases: [Record<string, string>, string][] = [
      [{ CAIRN_REGISTRY_PORT: 'eighty' }, 'CAIRN_REGISTRY_PORT'],
      [{ CAIRN_REGISTRY_MAX_PACKAGE: '5 gallons' }, 'CAIRN_REGISTRY_MAX_PACKAGE'],
      [{ CAIRN_REGISTRY_DATABASE_URL: 'postgres://x' }, 'CAIRN_REGISTRY_DATABASE_URL'],
      [{ CAIRN_REGISTRY_OPEN_SIGNUP: 'maybe' }, 'CAIRN_REGISTRY_OPEN_SIGNUP'],
      [{ CAIRN_REGISTRY_ADMIN_TOKEN: 'short' }, 'CAIRN_REGISTRY_ADMIN_TOKEN'],
      [
        { CAIRN_REGISTRY_MAX_PACKAGE: '8mb', CAIRN_REGISTRY_MAX_UNPACKED: '4mb' },
        'CAIRN_REGISTRY_MAX_UNPACKED',
      ],
    ];
    for (const [env, variable] of cases) {
      expect(() => loadRegistryConfig(env), variable)
        .to.throw(ConfigError)
        .with.property('variable', variable);
    }
  });
});
