import { z } from 'zod';
import { loadTexts } from '../../lib/texts.ts';

/** What the 公众号 adapter says itself, and its custom menu (prompts/channels.yaml). */

const button = z.object({ name: z.string(), key: z.string(), says: z.string() });

export const mpTexts = loadTexts(
  'channels',
  z.object({
    mpWelcome: z.string(),
    mpVoiceUnclear: z.string(),
    mpUnsupported: z.string(),
    mpStillWorking: z.string(),
    mpMore: z.string(),
    mpLocation: z.string(),
    mpMenu: z.array(z.union([button, z.object({ name: z.string(), sub: z.array(button).min(1).max(5) })])).min(1).max(3),
    mpWebButton: z.string(),
  }),
);
