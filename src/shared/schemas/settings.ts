import { z } from 'zod';
import { timeZoneSchema } from '../deadlines/types';
import { LIMITS } from './common';

const sheetText = z.string().max(LIMITS.longText);

/**
 * Organisation-wide settings. Every field has a default so a fresh install is usable; later issues
 * add their sections (exemption rules, holiday calendars) here, each with defaults.
 */
export const Settings = z
  .object({
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    organizationName: z.string().max(LIMITS.shortText).default(''),
    timeZone: timeZoneSchema.default('UTC'),
    /** The Art. 15(1)(a)-(h) information sheet texts included in access archives. */
    informationSheet: z
      .object({
        purposes: sheetText.default(''),
        categories: sheetText.default(''),
        recipients: sheetText.default(''),
        retention: sheetText.default(''),
        rights: sheetText.default(''),
        complaint: sheetText.default(''),
        source: sheetText.default(''),
        automatedDecisions: sheetText.default(''),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = z
  .object({
    theme: z.enum(['system', 'light', 'dark']).optional(),
    organizationName: z.string().max(LIMITS.shortText).optional(),
    timeZone: timeZoneSchema.optional(),
    informationSheet: z
      .object({
        purposes: sheetText.optional(),
        categories: sheetText.optional(),
        recipients: sheetText.optional(),
        retention: sheetText.optional(),
        rights: sheetText.optional(),
        complaint: sheetText.optional(),
        source: sheetText.optional(),
        automatedDecisions: sheetText.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
