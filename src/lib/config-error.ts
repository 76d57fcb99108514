/** A setting that is missing or wrong: the message (in Chinese) tells the operator what to fix. */
export class ConfigError extends Error {}
