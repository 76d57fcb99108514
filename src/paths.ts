import { fileURLToPath } from 'node:url';

/** The package root: where knowledge/ and prompts/ ship. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
