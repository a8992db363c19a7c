import OpenAI from 'openai';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { Controller } from '../../src/controller/controller.js';
import { startServeInProcess } from './serve-in-process.js';
import { startUpstreamServer, type UpstreamServer } from './upstream-server.js';

/** The pair both subjects route between. */
export const SUBJECT_PAIR = { strong: 'strong-model', weak: 'weak-model' } as const;

/**
 * One way of answering a chat completion: the official client against `routellm serve`, or the
 * Controller in-process. Both are set up from the same settings, so a scenario must give the same
 * answer, the same chunks and the same error classes through either.
 */
export interface Subject {
  readonly name: string;
  readonly upstream: UpstreamServer;
  create(params: ChatCompletionCreateParams, options?: { signal?: AbortSignal }): Promise<any>;
  close(): Promise<void>;
}

/** Settings both subjects take: serve as flags, the Controller as options (seconds, as the flags). */
export interface SubjectSettings {
  readonly deadline?: number;
}

export type SubjectFactory = (settings?: SubjectSettings) => Promise<Subject>;

/** `routellm serve --routers random` in front of a test upstream, and the official client (no retries) in front of it. */
export const serveSubject: SubjectFactory = async (settings = {}) => {
  const upstream = await startUpstreamServer();
  const serve = await startServeInProcess(
    [
      '--port', '0', '--routers', 'random', '--strong-model', SUBJECT_PAIR.strong, '--weak-model', SUBJECT_PAIR.weak,
      '--base-url', upstream.baseURL, '--api-key', 'upstream-key', '--no-probe',
      ...(settings.deadline === undefined ? [] : ['--deadline', String(settings.deadline)]),
    ],
    { cwd: process.cwd() },
  );
  const client = new OpenAI({ baseURL: `${serve.listening[1]}/v1`, apiKey: 'client-key', maxRetries: 0 });
  return {
    name: 'serve',
    upstream,
    create: (params, options) => client.chat.completions.create(params, options),
    async close() {
      await serve.stop();
      await upstream.close();
    },
  };
};

/** `Controller.create` with the same settings, answering in-process. */
export const inProcessSubject: SubjectFactory = async (settings = {}) => {
  const upstream = await startUpstreamServer();
  const controller = await Controller.create({
    routers: ['random'],
    strongModel: SUBJECT_PAIR.strong,
    weakModel: SUBJECT_PAIR.weak,
    baseURL: upstream.baseURL,
    apiKey: 'upstream-key',
    env: {},
    logger: { info() {}, warn() {} },
    ...(settings.deadline === undefined ? {} : { deadline: settings.deadline }),
  });
  return {
    name: 'in-process',
    upstream,
    create: (params, options) => controller.chat.completions.create(params, options),
    async close() {
      await controller.close();
      await upstream.close();
    },
  };
};

export const SUBJECTS: readonly [string, SubjectFactory][] = [
  ['serve', serveSubject],
  ['in-process', inProcessSubject],
];
