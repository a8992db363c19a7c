/**
 * The router `serve`, `route`, `calibrate` and `eval` use when none is named.
 * It must work offline with no API key.
 */
export const DEFAULT_ROUTER: string = 'difficulty';
