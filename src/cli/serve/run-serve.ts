import { UsageError } from '../../core/index.js';
import { loadConfig } from '../../config/load-config.js';
import { createBuiltinRegistry } from '../../routers/builtin-registry.js';
import { buildController } from '../../runtime/build-controller.js';
import { nodeRouterContext } from '../../runtime/node-router-context.js';
import { startServer } from '../../server/start-server.js';
import { Upstreams } from '../../upstream/upstreams.js';
import type { ServeFlags } from '../commands/serve.js';
import type { CliIo } from '../io.js';
import { resolveModelPair } from '../shared-options.js';
import { parseByteSize, parsePort } from './parse-serve-flags.js';

/**
 * `routellm serve`: resolves flags, builds the routers and the upstream clients (a missing
 * key fails here, exit 2), listens, and runs until io.signal aborts (SIGINT/SIGTERM), then
 * shuts down gracefully and returns, so the process exits 0.
 */
export async function runServe(flags: ServeFlags, io: CliIo): Promise<void> {
  const port = parsePort(flags.port);
  const maxBody = parseByteSize(flags.maxBody);
  const pair = resolveModelPair(flags, io.env);
  const config = await loadConfig(flags.config, io.env);
  const controller = await buildController({
    registry: createBuiltinRegistry(),
    routerNames: flags.routers,
    pair,
    config,
    context: nodeRouterContext({ env: io.env, cwd: io.cwd, fetch: io.fetch }),
  });
  const upstreams = new Upstreams({
    pair,
    overrides: {
      baseURL: flags.baseUrl ?? nonEmpty(io.env['ROUTELLM_BASE_URL']),
      apiKey: flags.apiKey ?? nonEmpty(io.env['ROUTELLM_API_KEY']),
    },
    env: io.env,
  });
  if (io.signal?.aborted) return;
  let server;
  try {
    server = await startServer({ controller, upstreams, host: flags.host, port, maxBody, log: (line) => io.stderr.write(`${line}\n`) });
  } catch (error) {
    upstreams.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${flags.host} is already in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on host "${flags.host}": ${code}; check --host`);
    throw error;
  }
  io.stderr.write(
    `routellm listening on ${server.url} (routers: ${controller.routerNames().join(', ')}; strong: ${pair.strong}; weak: ${pair.weak})\n`,
  );
  await new Promise<void>((resolve) => {
    if (!io.signal) return; // Without a signal (embedded use) the server runs until the process ends.
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  io.stderr.write(`routellm: shutting down, finishing ${server.inFlight()} in-flight request(s)\n`);
  await server.close();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
