/** A problem with what the user typed or the files they named: reported on stderr, exit code 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode = 2;

  constructor(
    readonly code: 'usage' | 'input',
    message: string,
  ) {
    super(message);
  }
}
