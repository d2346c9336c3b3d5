import { readFile } from 'node:fs/promises';
import { RescueError } from '../../../shared/errors';
import type { Services } from '../../services/container';
import { particleCliSession } from '../../services/cloud/particle-cli-session';
import { UsageError, stringFlag } from '../args';
import type { CliCommand, CliEnv, ParsedArgs } from '../types';

const STORAGE: Record<string, string> = {
  'safe-storage': 'kept encrypted by the operating system',
  'os-keyring': "kept in the desktop's keyring (Secret Service)",
  memory:
    'kept in memory for this command only: there is no OS keyring here (on Linux: libsecret-tools and a ' +
    'running keyring), and the app never writes it in plain text. Sign in in the desktop app, or pass ' +
    '--use-particle-cli to `login` before each use',
};

function ask(env: CliEnv, question: string, secret: boolean): Promise<string | null> {
  return env.prompt ? env.prompt(question, secret) : Promise.resolve(null);
}

async function signedInLine(services: Services): Promise<string> {
  const session = await services.cloud.session();
  const profile = await services.cloud.activeProfile();
  return session.loggedIn
    ? `Signed in to ${profile.name} as ${session.username ?? 'an unnamed account'}; the token is ${STORAGE[session.tokenStorage]}.`
    : `Not signed in to ${profile.name}.`;
}

async function useParticleCli(services: Services, env: CliEnv): Promise<number> {
  const cli = await particleCliSession();
  if (!cli) {
    throw new RescueError('CLOUD_AUTH_REQUIRED', 'No signed-in Particle CLI was found (~/.particle).', 'Run `particle-rescue login` with your Particle account instead.');
  }
  const profile = await services.cloud.activeProfile();
  if (cli.apiBaseUrl !== profile.apiBaseUrl.replace(/\/+$/, '')) {
    throw new RescueError(
      'CLOUD_AUTH_REQUIRED',
      `The Particle CLI is signed in to ${cli.apiBaseUrl}, but the active cloud profile is ${profile.name} (${profile.apiBaseUrl}).`,
      'Sign in to this profile with `particle-rescue login`, or choose the matching profile in the app.',
    );
  }
  await services.cloud.setToken(cli.token);
  env.print(`Using the Particle CLI's sign-in from ${cli.file} (read only, not changed).`);
  env.print(await signedInLine(services));
  return 0;
}

export async function password(args: ParsedArgs, env: CliEnv): Promise<string> {
  const file = stringFlag(args, 'password-file');
  if (file) {
    const text = await readFile(file, 'utf8').catch((error: Error) => {
      throw new RescueError('FILE_ERROR', `Could not read the password file ${file}: ${error.message}.`, 'Check the path; the file holds only the password.');
    });
    return text.replace(/\r?\n$/, '');
  }
  const typed = await ask(env, 'Password: ', true);
  if (typed === null) throw new UsageError('No terminal to ask for the password: pass --password-file <file>.');
  return typed;
}

export const loginCommand: CliCommand = {
  name: 'login',
  summary: "Sign in to the active cloud (with a one-time code when the account has MFA), or reuse an installed Particle CLI's sign-in.",
  usage: 'login [--username <email>] [--password-file <file>] [--use-particle-cli] [--virtual <scenario>]',
  options: { username: 'string', 'password-file': 'string', 'use-particle-cli': 'boolean' },
  async run(args, env) {
    const services = await env.services();
    if (args.flags['use-particle-cli']) return useParticleCli(services, env);
    let username = stringFlag(args, 'username');
    if (!username) {
      const cli = await particleCliSession();
      if (cli && (await ask(env, `The Particle CLI is signed in${cli.username ? ` as ${cli.username}` : ''}. Use that sign-in? [y/N] `, false))?.trim().toLowerCase() === 'y') {
        return useParticleCli(services, env);
      }
      username = (await ask(env, 'Email: ', false))?.trim() || undefined;
      if (!username) throw new UsageError('No terminal to ask for the account: pass --username <email> and --password-file <file>.');
    }
    let result = await services.cloud.login(username, await password(args, env));
    if (result.status === 'mfa-required') {
      const code = await ask(env, 'One-time code from your authenticator app: ', false);
      if (code === null) throw new UsageError('This account uses multi-factor authentication: run `login` in a terminal to enter the one-time code.');
      result = await services.cloud.loginMfa(result.mfaToken, code.trim());
    }
    env.print(await signedInLine(services));
    return 0;
  },
};

export const logoutCommand: CliCommand = {
  name: 'logout',
  summary: 'Sign out of the active cloud and forget its token.',
  usage: 'logout [--virtual <scenario>]',
  async run(_args, env) {
    const services = await env.services();
    await services.cloud.logout();
    env.print(await signedInLine(services));
    return 0;
  },
};

export const whoamiCommand: CliCommand = {
  name: 'whoami',
  summary: 'Which account the app is signed in with, on which cloud, and where the token is kept.',
  usage: 'whoami [--json] [--virtual <scenario>]',
  async run(_args, env) {
    const services = await env.services();
    const session = await services.cloud.session();
    if (env.json) env.printJson({ ...session, profile: await services.cloud.activeProfile() });
    else env.print(await signedInLine(services));
    return session.loggedIn ? 0 : 1;
  },
};

export const commands: CliCommand[] = [loginCommand, logoutCommand, whoamiCommand];
