import { join } from 'node:path';
import { z } from 'zod';
import { fill, readTexts } from '../lib/texts.ts';
import { ROOT } from '../paths.ts';

export { fill };

/** Reads prompts/<name>.yaml and checks it against the schema its flow declares. */
export function loadTexts<S extends z.ZodType>(name: string, schema: S): z.infer<S> {
  return readTexts(join(ROOT, 'prompts', `${name}.yaml`), schema);
}

/** The texts of one form step. */
export const stepTexts = z.object({
  label: z.string(),
  prompt: z.string(),
  hint: z.string(),
  example: z.string(),
  error: z.string(),
});
export type StepTexts = z.infer<typeof stepTexts>;
