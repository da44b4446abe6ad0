import { type Hint, ProblemsError, type SpecProblem } from '../errors.ts';

/**
 * A valid spec that cannot be turned into the requested output (a nodeport listener without ports, a Strimzi-reserved
 * port, …). Like SpecError it lists every problem with its spec path, and nothing is written: renderers build all
 * output in memory and only the CLI writes files, after rendering succeeded.
 */
export class RenderError extends ProblemsError {
  constructor(source: string, what: string, problems: readonly SpecProblem[], hint: Hint | string = 'fix the fields named above in the spec; nothing was written') {
    super('CANNOT_RENDER', `${source} cannot be rendered as ${what}`, problems, { hint });
    this.name = 'RenderError';
  }
}
