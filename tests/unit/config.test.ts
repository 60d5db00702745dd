import { ConfigError, loadConfig } from '../../config/config';

describe('loadConfig', () => {
  it('gives embedded defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.HTTP_PORT).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.dataDir).toBe('/srv/app/.data');
    expect(config.DEMO_DATA).toBe(true);
  });

  it('names the variable and the reason for each bad value', () => {
    try {
      loadConfig({ HTTP_PORT: 'eighty', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'http://temporal:7233' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/HTTP_PORT: .*port number.*"eighty"/);
      expect(problems).toMatch(/DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//);
      expect(problems).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    }
  });

  it('treats empty values as unset and strips a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ SMTP_URL: '', PUBLIC_URL: 'https://actions.example.police.uk/' });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.publicUrl).toBe('https://actions.example.police.uk');
  });
});
