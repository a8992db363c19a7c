/**
 * Who reads an error and acts on it: someone at the command line (the CLI's commands and serve,
 * set with flags) or a program (the library's Controller, set with options and objects in code).
 * Errors built below the adapters take it, so each offers the fix its reader can apply: `--api-key`
 * to one, `apiKey` to the other. The adapter that starts the work says which.
 */
export type Audience = 'cli' | 'library';

/** Settings both audiences have, as the Controller's options spell them, with serve's flag for each. */
const FLAGS = {
  apiKey: '--api-key',
  baseURL: '--base-url',
  strongModel: '--strong-model',
  weakModel: '--weak-model',
} as const;

export type AudienceOption = keyof typeof FLAGS;

/** The setting as `audience` writes it: serve's flag on the command line, the Controller's option in a program. */
export function optionName(option: AudienceOption, audience: Audience): string {
  return audience === 'cli' ? FLAGS[option] : option;
}

/** The setting with a value, ready to paste: `--weak-model x` on the command line, `weakModel: 'x'` in a program. */
export function optionSetting(option: AudienceOption, value: string, audience: Audience): string {
  return audience === 'cli' ? `${FLAGS[option]} ${value}` : `${option}: '${value}'`;
}
