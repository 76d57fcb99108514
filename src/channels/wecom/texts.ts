import { z } from 'zod';
import { loadTexts } from '../../lib/texts.ts';

/** What the 企业微信 bot adapter says itself (prompts/channels.yaml). */
export const wecomTexts = loadTexts('channels', z.object({ wecomWelcome: z.string(), wecomUnsupported: z.string(), wecomPrivateHint: z.string() }));
