import type { SpecFile } from '../../api/load.ts';
import { readSpecFile } from '../spec-file.ts';

/** `kafkaplane validate`: the spec, parsed and checked (an invalid one throws its problems). */
export async function validate(flags: { file: string }): Promise<{ file: string; spec: SpecFile }> {
  return { file: flags.file, spec: await readSpecFile(flags.file) };
}
