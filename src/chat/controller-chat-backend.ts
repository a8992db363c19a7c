import { Controller, type ControllerOptions } from '../index.js';
import { readUsage } from '../upstream/price-table.js';
import type { ChatBackend } from './chat-backend.js';

/**
 * `routellm chat` without a server: each turn goes through a Controller in this process (the
 * library's public API, the same pipeline as serve), built from serve's flags as options.
 */
export async function controllerChatBackend(options: ControllerOptions): Promise<ChatBackend> {
  const controller = await Controller.create(options);
  return {
    where: 'in-process',
    routers: controller.routers(),
    async send(messages, model, signal) {
      const routed = await controller.chat.completions.create({ model, messages: [...messages] }, { signal }).withDecision();
      return {
        content: routed.data.choices[0]?.message.content ?? '',
        model: routed.model,
        fallbackFrom: routed.fallbackFrom,
        router: routed.decision.router,
        threshold: routed.decision.threshold,
        strongWinRate: routed.decision.strongWinRate,
        usage: readUsage(routed.data.usage),
      };
    },
    close: () => controller.close(),
  };
}
