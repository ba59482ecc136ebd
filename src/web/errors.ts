/** Every problem of a web config file at once, each naming its key path, so one edit fixes them all. */
export class WebConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[], file?: string) {
    super(`${file ? `${file}: ` : ''}invalid web configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'WebConfigError';
    this.problems = problems;
  }
}
