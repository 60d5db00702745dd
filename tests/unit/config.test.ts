import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, oidcSettings, sessionSecret, workerMetricsSettings } from '../../config/config';

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

  it("leaves the worker's workflow cache to the SDK unless TEMPORAL_WORKER_CACHED_WORKFLOWS is a whole number from 100", () => {
    expect(loadConfig({}).TEMPORAL_WORKER_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadConfig({ TEMPORAL_WORKER_CACHED_WORKFLOWS: '12000' }).TEMPORAL_WORKER_CACHED_WORKFLOWS).toBe(12000);
    expect(() => loadConfig({ TEMPORAL_WORKER_CACHED_WORKFLOWS: 'lots' })).toThrow(
      /TEMPORAL_WORKER_CACHED_WORKFLOWS: must be a number of workflows \(got "lots"\)/,
    );
    expect(() => loadConfig({ TEMPORAL_WORKER_CACHED_WORKFLOWS: '2.5' })).toThrow(
      /TEMPORAL_WORKER_CACHED_WORKFLOWS: must be a whole number of workflows/,
    );
    expect(() => loadConfig({ TEMPORAL_WORKER_CACHED_WORKFLOWS: '10' })).toThrow(/TEMPORAL_WORKER_CACHED_WORKFLOWS: must be at least 100/);
  });

  it("serves the worker's /metrics only when WORKER_METRICS_PORT is set, with the Temporal SDK's exporter on another loopback port", () => {
    expect(workerMetricsSettings(loadConfig({}))).toBeUndefined();
    expect(workerMetricsSettings(loadConfig({ WORKER_METRICS_PORT: '9464', HTTP_HOST: '0.0.0.0' }))).toEqual({
      host: '0.0.0.0',
      port: 9464,
      temporalSdkAddress: '127.0.0.1:9465',
    });
    expect(workerMetricsSettings(loadConfig({ WORKER_METRICS_PORT: '9100', TEMPORAL_SDK_METRICS_PORT: '9101' }))?.temporalSdkAddress).toBe(
      '127.0.0.1:9101',
    );
    expect(() => loadConfig({ WORKER_METRICS_PORT: '9465' })).toThrow(
      /WORKER_METRICS_PORT and TEMPORAL_SDK_METRICS_PORT: must be different ports \(both 9465\)/,
    );
    expect(() => loadConfig({ WORKER_METRICS_PORT: 'metrics' })).toThrow(/WORKER_METRICS_PORT: must be a port number from 1 to 65535/);
  });

  it('treats empty values as unset and strips a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ SMTP_URL: '', PUBLIC_URL: 'https://actions.example.police.uk/' });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.publicUrl).toBe('https://actions.example.police.uk');
  });

  it('requires SESSION_SECRET in production, and at least 32 characters of it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: must be set in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }).SESSION_SECRET).toBe('x'.repeat(40));
  });

  it('generates the session secret once into DATA_DIR outside production, readable by its owner only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-config-'));
    try {
      const config = loadConfig({ DATA_DIR: dir });
      const first = sessionSecret(config);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(sessionSecret(config)).toBe(first);
      expect(fs.statSync(path.join(dir, 'session-secret')).mode & 0o777).toBe(0o600);
      expect(sessionSecret({ ...config, SESSION_SECRET: 'y'.repeat(32) })).toBe('y'.repeat(32));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the identity provider as all three OIDC variables or none', () => {
    expect(oidcSettings(loadConfig({}))).toBeNull();
    expect(() => loadConfig({ OIDC_ISSUER_URL: 'https://login.microsoftonline.com/tenant/v2.0' })).toThrow(/set all three/);
    const config = loadConfig({
      OIDC_ISSUER_URL: 'https://login.microsoftonline.com/tenant/v2.0',
      OIDC_CLIENT_ID: 'app',
      OIDC_CLIENT_SECRET: 's3cret',
      PUBLIC_URL: 'https://actions.example.police.uk',
    });
    expect(oidcSettings(config)).toEqual({
      issuerUrl: 'https://login.microsoftonline.com/tenant/v2.0',
      clientId: 'app',
      clientSecret: 's3cret',
      providerName: 'your force account',
      redirectUri: 'https://actions.example.police.uk/sign-in/oidc/callback',
    });
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: 'x'.repeat(32),
        OIDC_ISSUER_URL: 'http://idp.local',
        OIDC_CLIENT_ID: 'a',
        OIDC_CLIENT_SECRET: 'b',
      }),
    ).toThrow(/must start with https/);
  });

  it('defaults sign-in and email-link settings, and names bad values', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      SESSION_HOURS: 12,
      SESSION_IDLE_MINUTES: 120,
      SIGN_IN_MAX_FAILURES: 5,
      SIGN_IN_LOCKOUT_MINUTES: 15,
      ACTION_LINK_DAYS: 14,
    });
    expect(() => loadConfig({ ACTION_LINK_DAYS: '0' })).toThrow(/ACTION_LINK_DAYS: must be at least 1/);
  });
});

describe('TRUST_PROXY', () => {
  it('accepts loopback, subnets and hop counts, and names the variable otherwise', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe('loopback');
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 172.16.0.0/12' }).TRUST_PROXY).toBe('10.0.0.0/8, 172.16.0.0/12');
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe('2');
    expect(() => loadConfig({ TRUST_PROXY: 'everyone!' })).toThrow(/TRUST_PROXY: must be loopback, a subnet/);
  });
});
