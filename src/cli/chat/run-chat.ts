import { parseThreshold, UsageError, type ThresholdSpec } from '../../core/index.js';
import { loadConfig } from '../../config/load-config.js';
import type { ChatBackend } from '../../chat/chat-backend.js';
import { NoticeFeed } from '../../chat/notice-feed.js';
import { configPrices } from '../../config/config-prices.js';
import { resolveModelList } from '../../config/resolve-model-list.js';
import { PriceTable } from '../../upstream/price-table.js';
import { NO_PRICE_IN_PROCESS, noPriceThroughServe } from '../../chat/describe-answer.js';
import type { CliIo } from '../io.js';
import { sizeUnsizedTerminal, useColour } from '../terminal.js';
import type { ChatFlags } from './chat-command.js';

/** Flags that choose the models and upstreams of an in-process chat: with --url, serve has chosen them. */
const IN_PROCESS_ONLY: readonly (readonly [keyof ChatFlags, string])[] = [
  ['routers', '--routers'],
  ['strongModel', '--strong-model'],
  ['weakModel', '--weak-model'],
  ['baseUrl', '--base-url'],
];

/**
 * `routellm chat`: checks the flags and that it runs on a terminal, connects (a running serve with
 * --url, else a Controller in this process), then runs the ink chat until Ctrl-C, Ctrl-D or a signal.
 * ink and React load only once all of that has passed.
 */
export async function runChat(flags: ChatFlags, io: CliIo): Promise<void> {
  if (flags.url !== undefined) {
    checkUrl(flags.url);
    const clash = IN_PROCESS_ONLY.find(([key]) => flags[key] !== undefined);
    if (clash) throw new UsageError(`${clash[1]} chooses the models of an in-process chat; with --url the serve at ${flags.url} has chosen them: drop one of the two`);
  }
  // No --routers: --router alone, else undefined so the Controller loads its default, as serve's
  // does (difficulty for a pair, knn over a models: list).
  const routers = flags.routers ?? (flags.router !== undefined ? [flags.router] : undefined);
  if (flags.router !== undefined && routers !== undefined && !routers.includes(flags.router)) {
    throw new UsageError(`--router ${flags.router} is not among --routers ${routers.join(' ')}: add it there, or pick one of those`);
  }
  const config = await loadConfig(flags.config, io.env, io.cwd);
  // Over a models: list the threshold is a knob >= 0 or a cost share: known here in-process, from serve once connected.
  const inProcessList = flags.url === undefined ? resolveModelList(flags, io.env, config.models ?? {}, (model) => new PriceTable(config.prices).priceOf(model), `${config.path ?? 'config'}: models`) !== undefined : undefined;
  const checked = inProcessList === undefined ? undefined : thresholdFlag(flags.threshold, inProcessList);
  if (io.stdin.isTTY !== true || io.stdout.isTTY !== true) {
    throw new UsageError('routellm chat needs an interactive terminal (stdin and stdout are not both a TTY); for scripts use routellm route, or POST /v1/chat/completions to routellm serve');
  }
  const notices = new NoticeFeed((line) => io.stderr.write(`routellm: warning: ${line}\n`));
  const backend = await connect(flags, routers, io, notices);
  try {
    const threshold = checked ?? thresholdFlag(flags.threshold, backend.overList);
    const router = flags.router ?? backend.routers[0]!;
    if (!backend.routers.includes(router)) throw new UsageError(`--router ${router} is not served at ${backend.where}; it serves ${backend.routers.join(', ')}`);
    // What the answers are billed at: a serve's own prices first (it may price a model --config does not),
    // then --config's (the models: list's own prices too: without them every answer over a list said "cost unknown").
    const prices = new PriceTable({ ...configPrices(config), ...backend.prices });
    const noPrice = flags.url === undefined ? NO_PRICE_IN_PROCESS : noPriceThroughServe(backend.where, backend.prices !== undefined);
    await runInk(backend, { prices, noPrice, router, threshold, notices }, io);
  } finally {
    await backend.close();
  }
}

async function connect(flags: ChatFlags, routers: readonly string[] | undefined, io: CliIo, notices: NoticeFeed): Promise<ChatBackend> {
  if (flags.url !== undefined) {
    const { serveChatBackend } = await import('../../chat/serve-chat-backend.js');
    return serveChatBackend({ url: flags.url, apiKey: flags.apiKey, fetch: io.fetch });
  }
  const { controllerChatBackend } = await import('../../chat/controller-chat-backend.js');
  return controllerChatBackend({
    routers,
    strongModel: flags.strongModel,
    weakModel: flags.weakModel,
    config: flags.config,
    baseURL: flags.baseUrl,
    apiKey: flags.apiKey,
    env: io.env,
    cwd: io.cwd,
    fetch: io.fetch,
    // The CLI shows every warning under the chat, whatever ROUTELLM_LOG says (it is the library's).
    logger: { info() {}, warn: (_fields, message) => notices.push(message.replace(/^routellm: /, '')) },
    logLevel: 'warn',
  });
}

async function runInk(backend: ChatBackend, start: { prices: PriceTable; noPrice: string; router: string; threshold: ThresholdSpec; notices: NoticeFeed }, io: CliIo): Promise<void> {
  const [{ render }, { createElement }, { ChatApp }] = await Promise.all([import('ink'), import('react'), import('../../chat/chat-app.js')]);
  sizeUnsizedTerminal(io.stdout, io.env);
  const app = render(createElement(ChatApp, { backend, ...start, colour: useColour(io.stdout, io.env) }), {
    stdout: io.stdout as NodeJS.WriteStream,
    stdin: io.stdin as NodeJS.ReadStream,
    stderr: io.stderr as NodeJS.WriteStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  // SIGINT/SIGTERM from outside (Ctrl-C itself arrives as a key in raw mode): close the chat the same way.
  const onSignal = () => app.unmount();
  io.signal?.addEventListener('abort', onSignal, { once: true });
  try {
    await app.waitUntilExit();
  } finally {
    io.signal?.removeEventListener('abort', onSignal);
  }
}

function thresholdFlag(raw: string, overList: boolean): ThresholdSpec {
  try {
    return parseThreshold(raw, { knob: overList });
  } catch (error) {
    throw new UsageError(`--threshold: ${(error as Error).message}`);
  }
}

function checkUrl(raw: string): void {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--url ${raw} is not an http(s) URL; give serve's OpenAI base URL, e.g. http://127.0.0.1:6060/v1`);
  }
}
