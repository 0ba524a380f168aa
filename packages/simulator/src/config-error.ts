/** Bad input to the simulator (unknown bug, malformed scenario...): the caller's mistake. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
