import { Command, Option } from 'commander';
import { DEFAULT_ROUTER } from '../../routers/default-router.js';
import { knownPrefixes } from '../../upstream/providers.js';
import type { CliIo } from '../io.js';
import { helpEpilogue } from '../terminal.js';
import { DEFAULT_WEAK_MODEL_HELP, modelPairOptions } from '../shared-options.js';
import { routeLLMUpstreamOptions, upstreamFlagOptions } from '../upstream-flags.js';
import { serveSettingOptions, type ServeFlags } from './serve-flags.js';

/** Where `routellm serve` listens unless --port/--host or the config's `server:` say otherwise. */
export const DEFAULT_PORT = 6060;
export const DEFAULT_HOST = '127.0.0.1';

/** Declares `routellm serve`; the work happens in ../serve/run-serve.ts, imported when it runs. */
export function defineServeCommand(program: Command, io: CliIo): void {
  const command = program
    .command('serve')
    .description('Run an OpenAI-compatible server that routes each chat request to the strong or the weak model.')
    .addOption(new Option('--routers <names...>', `routers to load; requests pick one with model "router-<name>-<threshold>" (default: ${DEFAULT_ROUTER}; over a models: list in --config, knn)`));
  for (const option of modelPairOptions({ calls: true })) command.addOption(option);
  for (const option of [...upstreamFlagOptions(), ...routeLLMUpstreamOptions()]) command.addOption(option);
  command
    .addOption(new Option('--port <port>', `port to listen on; 0 picks a free one (config server.port; default ${DEFAULT_PORT})`))
    .addOption(new Option('--host <host>', `interface to bind; 0.0.0.0 for every interface (config server.host; default ${DEFAULT_HOST})`))
    .addOption(new Option('--workers <n>', 'server processes sharing the port (node:cluster), as RouteLLM\'s --workers; a crashed one is restarted, /metrics and stats add them up (default 1: one process)'))
    .addOption(new Option('--max-body <bytes>', 'largest request body accepted, in bytes (suffixes k, m: 512k, 10m)').default('10m'))
    .addOption(new Option('--log-format <format>', 'stderr lines as pino JSON or pino-pretty text (env ROUTELLM_LOG_FORMAT; default: pretty on a terminal, json otherwise)').choices(['json', 'pretty']));
  for (const option of serveSettingOptions()) command.addOption(option);
  command
    .addHelpText(
      'after',
      // Wrapped to the terminal when printed (helpEpilogue): paragraphs here are free-flowing.
      helpEpilogue(
        io,
        `
Upstreams: a model name "<provider>/<model>" goes to that provider's OpenAI-compatible API with
its key variable, the prefix stripped; known prefixes (litellm's spellings included):
${knownPrefixes().map((prefix) => `${prefix}/`).join(', ')}
(docs/serve.md maps each to its endpoint, key variable and base-URL variable). A name without a
slash goes to OpenAI (OPENAI_BASE_URL, OPENAI_API_KEY); an unknown prefix stops start-up (exit 2).
--base-url sends both models, names unchanged, to one endpoint. A model whose key is missing
stops the server at start-up (exit 2).

${DEFAULT_WEAK_MODEL_HELP}

Endpoints: POST /v1/chat/completions, GET /v1/models (each router at the shares 20%, 50%, 80%;
any threshold in [0, 1] or share works) and /v1/models/{id}, GET /health (always open, even with --auth-key),
GET /metrics (Prometheus), GET /v1/routellm/stats (spend, strong-only spend, saving), POST
/v1/routellm/reload (re-reads the config and the routers' weights; SIGHUP does the same); HEAD on
each GET endpoint. Every stderr line goes through one pino logger (JSON off a terminal, pretty
on one; --log-format), one per request (prompts only with --log-prompts). A routed model that
fails before its first byte is retried once on the other model (x-routellm-fallback,
x-routellm-attempts), logged at warn with its reason; --deadline bounds the whole request
(queue, attempts, fallback) under the OpenAI SDK's own 600 s, and an attempt the fallback may
follow must answer within half of what is left. routellm doctor runs the start-up checks.
Responses carry x-routellm-model, x-routellm-router, x-routellm-threshold,
x-routellm-strong-win-rate and x-request-id.

Shares: "router-<r>-30%" holds 30% of the last --share-window requests of that name on the strong
model (the threshold follows their win rates, starting from the calibration table; the live one is
in x-routellm-threshold, /metrics and /v1/routellm/stats). --share-state FILE keeps the windows
across restarts; --share-state redis://host:port/db shares them between replicas. A numeric
threshold ("router-mf-0.116") is never adapted. "router-<r>-$20/h" holds the strong model's spend
near $20 an hour instead (the share falls when traffic spikes; the strong model needs a price).

Examples:
  $ routellm serve --strong-model gpt-4o --weak-model groq/llama-3.1-8b-instant
  $ routellm serve --routers random --port 8000 --base-url http://localhost:4000/v1 --api-key sk-...
  $ routellm serve --share-state redis://127.0.0.1:6379/0   # one of several replicas holding shares together
  # then, from any OpenAI client: baseURL http://127.0.0.1:8000/v1, model "router-random-50%"`,
      ),
    )
    .action(async (flags: ServeFlags) => {
      const { runServe } = await import('./run-serve.js');
      await runServe(flags, io);
    });
}
