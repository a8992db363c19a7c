import { EventEmitter } from 'node:events';
import type { ClusterShareHub } from '../../../src/shares/cluster-share-hub.js';
import { isShareSyncRequest, type ShareChannel } from '../../../src/shares/share-channel.js';

/** A worker's end of an IPC channel whose primary end answers share syncs from `hub`, a tick later as IPC would. */
export function channelTo(hub: ClusterShareHub): ShareChannel {
  const worker = new EventEmitter();
  return {
    send(message, callback) {
      setImmediate(() => {
        if (isShareSyncRequest(message)) worker.emit('message', structuredClone(hub.sync(structuredClone(message))));
        callback(null);
      });
      return true;
    },
    on: (event, listener) => worker.on(event, listener),
    off: (event, listener) => worker.off(event, listener),
  };
}
