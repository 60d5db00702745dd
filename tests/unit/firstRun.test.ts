import { parseArguments } from '../../bin/admin';
import { setupBannerLines } from '../../bin/setupBanner';
import { canonicalSetupCode, newSetupCode, setupCodeHash } from '../../api/setup/setupCode';
import { loadConfig } from '../../config/config';

describe('set-up codes', () => {
  it('are 100 random bits in four groups of five unambiguous characters, different every time', () => {
    const codes = Array.from({ length: 500 }, newSetupCode);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every symbol turns up: none of the 32 is left out by the way bytes become symbols.
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(32);
  });

  it('match however they are typed: case, spaces and hyphens ignored, O read as 0, I and L as 1', () => {
    expect(canonicalSetupCode(' 7kq2m x9d4t-h3wnb--pz6rf ')).toBe('7KQ2MX9D4TH3WNBPZ6RF');
    expect(canonicalSetupCode('O1IL0')).toBe('01110');
    expect(setupCodeHash('7kq2m-x9d4t-h3wnb-pz6rf')).toBe(setupCodeHash('7KQ2MX9D4TH3WNBPZ6RF'));
    expect(setupCodeHash('7KQ2M-X9D4T-H3WNB-PZ6RE')).not.toBe(setupCodeHash('7KQ2M-X9D4T-H3WNB-PZ6RF'));
    expect(setupCodeHash('7KQ2M-X9D4T-H3WNB-PZ6RF')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('are in the start banner only while nobody administers the product', () => {
    const lines = setupBannerLines('http://localhost:3000', '7KQ2M-X9D4T-H3WNB-PZ6RF').join('\n');
    expect(lines).toContain('http://localhost:3000/setup   with the set-up code   7KQ2M-X9D4T-H3WNB-PZ6RF');
    expect(lines).toContain('npm run admin -- create --email');
    expect(setupBannerLines('http://localhost:3000', null)).toEqual([]);
  });
});

describe('npm run admin: its arguments', () => {
  it('reads create and link, with --flag value or --flag=value', () => {
    expect(parseArguments(['create', '--email', ' Hannah.Whitcombe@Force.Police.uk', '--name', 'Hannah Whitcombe'])).toEqual({
      command: 'create',
      email: 'hannah.whitcombe@force.police.uk',
      name: 'Hannah Whitcombe',
    });
    expect(parseArguments(['link', '--email=hannah@force.police.uk'])).toEqual({ command: 'link', email: 'hannah@force.police.uk' });
  });

  it('says what is wrong', () => {
    expect(parseArguments([])).toEqual({ problem: 'name the command: create or link' });
    expect(parseArguments(['delete', '--email', 'a@b.uk'])).toEqual({ problem: 'unknown command "delete"' });
    expect(parseArguments(['create', '--name', 'Someone'])).toEqual({ problem: '--email is needed' });
    expect(parseArguments(['create', '--email', 'not-an-email', '--name', 'X'])).toEqual({
      problem: '--email must be an email address, like name@force.police.uk',
    });
    expect(parseArguments(['create', '--email', 'a@force.police.uk'])).toEqual({ problem: '--name is needed' });
    expect(parseArguments(['create', '--email', 'a@force.police.uk', '--name', '  '])).toEqual({ problem: '--name must not be empty' });
    expect(parseArguments(['create', '--email', 'a@force.police.uk', '--name'])).toEqual({ problem: '--name needs a value' });
    expect(parseArguments(['create', '--email', 'a@force.police.uk', '--name', 'A', '--force'])).toEqual({
      problem: 'unknown argument "--force"',
    });
    expect(parseArguments(['link', '--email', 'a@force.police.uk', '--name', 'A'])).toEqual({ problem: '--name is for create only' });
  });
});

describe('ADMIN_EMAILS', () => {
  const oidc = { OIDC_ISSUER_URL: 'https://login.example/tenant/v2.0', OIDC_CLIENT_ID: 'tracker', OIDC_CLIENT_SECRET: 'secret' };

  it('is a comma-separated list of emails, lower-cased, without blanks or repeats; empty by default', () => {
    expect(loadConfig({}).ADMIN_EMAILS).toEqual([]);
    expect(
      loadConfig({ ...oidc, ADMIN_EMAILS: ' Chief.IT@Force.Police.uk, ,head.cdt@force.police.uk,chief.it@force.police.uk' }).ADMIN_EMAILS,
    ).toEqual(['chief.it@force.police.uk', 'head.cdt@force.police.uk']);
    expect(() => loadConfig({ ...oidc, ADMIN_EMAILS: 'chief.it@force.police.uk, someone' })).toThrow(
      /ADMIN_EMAILS: must be email addresses separated by commas \(got "chief\.it@force\.police\.uk, someone"\)/,
    );
  });

  it('needs the identity provider, and says what to do without one', () => {
    expect(() => loadConfig({ ADMIN_EMAILS: 'chief.it@force.police.uk' })).toThrow(
      /ADMIN_EMAILS: only works with sign-in through the identity provider .*\/setup or with `npm run admin`/,
    );
  });
});
