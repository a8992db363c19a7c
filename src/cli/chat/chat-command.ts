import { Command, Option } from 'commander';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import type { CliIo } from '../io.js';
import { helpEpilogue } from '../terminal.js';
import { DEFAULT_WEAK_MODEL_HELP, modelPairOptions } from '../shared-options.js';

/** Flags of `routellm chat`, as commander parses them. */
export interface ChatFlags {
  readonly url?: string;
  readonly router?: string;
  readonly threshold: string;
  readonly routers?: string[];
  readonly strongModel?: string;
  readonly weakModel?: string;
  readonly config?: string;
  readonly baseUrl?: string;
  readonly apiKey?: string;
}

/** Declares `routellm chat`; the work happens in ./run-chat.ts, imported when it runs. */
export function defineChatCommand(program: Command, io: CliIo): void {
  const command = program
    .command('chat')
    .description('Chat in the terminal; each turn is routed, and its model, win rate, threshold, latency and cost are shown.')
    .addOption(new Option('--url <url>', 'talk to a running routellm serve at this OpenAI base URL (e.g. http://127.0.0.1:6060/v1); without it, route in this process'))
    .addOption(new Option('--router <name>', 'router of the first turn (Tab changes it; default: the first of --routers, or the first serve lists)'))
    .addOption(new Option('--threshold <value>', 'a strong-call share like 50%, or a win rate in [0, 1] (↑/↓ change it)').default('50%'))
    .addOption(new Option('--routers <names...>', `routers to load in this process (default: --router, else ${DEFAULT_ROUTER}; over a models: list in --config, knn)`));
  for (const option of modelPairOptions({ calls: true })) command.addOption(option);
  command
    .addOption(new Option('--base-url <url>', 'in this process: send both models to this OpenAI-compatible endpoint, names verbatim (env ROUTELLM_BASE_URL)'))
    .addOption(new Option('--api-key <key>', "in this process: the key for both models (env ROUTELLM_API_KEY); with --url: one of serve's --auth-key values"))
    .addHelpText(
      'after',
      helpEpilogue(
        io,
        `
Keys: Enter sends; Tab / Shift-Tab change the router; Up sends more calls strong, Down fewer; Ctrl-T
switches between a share and a win-rate threshold; Ctrl-C (or Ctrl-D on an empty line) quits. The cost
is the answer's tokens at the serve's prices (--url: its /v1/routellm/stats), else the built-in ones
and --config's prices:. chat needs a terminal: for scripts use routellm route, or POST
/v1/chat/completions to routellm serve.

${DEFAULT_WEAK_MODEL_HELP}

Examples:
  $ routellm chat --url http://127.0.0.1:6060/v1
  $ routellm chat --base-url http://127.0.0.1:11434/v1 --strong-model llama3.1:70b --weak-model llama3.2:1b
  $ routellm chat --routers difficulty random --threshold 30%`,
      ),
    )
    .action(async (flags: ChatFlags) => {
      const { runChat } = await import('./run-chat.js');
      await runChat(flags, io);
    });
}
