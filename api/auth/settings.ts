import { loadConfig, oidcSettings, sessionSecret, type Config } from '../../config/config';
import { randomToken } from '../../platform/secrets';
import type { AuthSettings } from './service';

/** Sign-in and email-link settings from the configuration (bin/ passes them to startApplication). */
export function authSettingsFromConfig(
  config: Config,
  demo: { accounts: AuthSettings['demoAccounts']; password: string } | null = null,
): AuthSettings {
  return {
    sessionSecret: sessionSecret(config),
    publicUrl: config.publicUrl,
    sessionHours: config.SESSION_HOURS,
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    maxFailures: config.SIGN_IN_MAX_FAILURES,
    lockoutMinutes: config.SIGN_IN_LOCKOUT_MINUTES,
    actionLinkDays: config.ACTION_LINK_DAYS,
    oidc: oidcSettings(config),
    adminEmails: config.ADMIN_EMAILS,
    demoAccounts: demo?.accounts ?? null,
    demoPassword: demo?.password ?? null,
  };
}

/** The configuration's defaults with a fresh session secret and no identity provider: for a product started in code. */
export function defaultAuthSettings(publicUrl: string): AuthSettings {
  return { ...authSettingsFromConfig(loadConfig({ SESSION_SECRET: randomToken() })), publicUrl };
}
