import type { ControllerOptions } from '../controller/controller-options.js';
import { createController } from '../controller/controller.js';
import type { ChatBackend } from './chat-backend.js';
import { readChatStream } from './read-chat-stream.js';

/**
 * `routellm chat` without a server: each turn goes through a Controller in this process (the
 * library's Controller, the same pipeline as serve), built from serve's flags as options; its errors
 * name the flags (`--api-key`), as serve's do.
 */
export async function controllerChatBackend(options: ControllerOptions): Promise<ChatBackend> {
  const controller = await createController(options, { audience: 'cli' });
  return {
    where: 'in-process',
    overList: controller.modelList !== undefined,
    routers: controller.routers(),
    async send(messages, model, signal, onText) {
      const routed = await controller.chat.completions
        .create({ model, messages: [...messages], stream: true, stream_options: { include_usage: true } }, { signal })
        .withDecision();
      const streamed = await readChatStream(routed.data, onText);
      return {
        content: streamed.content,
        model: routed.model,
        fallbackFrom: routed.fallbackFrom,
        router: routed.decision.router,
        threshold: routed.decision.threshold,
        strongWinRate: routed.decision.strongWinRate,
        quality: routed.decision.qualities?.[routed.model],
        usage: streamed.usage,
      };
    },
    close: () => controller.close(),
  };
}
