/** A model that cannot be loaded: the message names the folder (or Hub id) and the missing or bad file. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    /** `model folder /x/y` or `model acme/foo (cache /c)`: where we looked. */
    readonly where: string,
    /** What is wrong, e.g. `config.json is missing`. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${problem}`, options);
  }
}
