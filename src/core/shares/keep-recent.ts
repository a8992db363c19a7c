/**
 * Sets `key` in `map` as its most recently used entry (a Map iterates in insertion order) and
 * drops the least recently used ones past `max`: how maps keyed by client-chosen names (share and
 * budget names) stay bounded.
 */
export function keepRecent<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}
