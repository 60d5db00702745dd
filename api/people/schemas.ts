import { z } from 'zod';
import { roleLabels, roles } from '../../domain/vocabulary';
import { passwordRules } from '../../platform/passwords';

/**
 * What an administrator may say about a person, for the API and the administration pages alike. Emails are stored
 * lower-case (they are how a person signs in and is found by the identity provider).
 */
const personFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  email: z
    .string()
    .trim()
    .max(320, 'must be at most 320 characters')
    .toLowerCase()
    .pipe(z.email({ message: 'must be an email address, like name@force.police.uk' })),
  roles: z
    .array(z.enum(roles, { message: `must be one of: ${roles.map((r) => `${r} (${roleLabels[r]})`).join(', ')}` }), {
      message: 'must be a list of roles',
    })
    .min(1, 'must hold at least one role')
    .max(roles.length, `must be at most ${roles.length} roles`)
    .transform((list) => [...new Set(list)]),
  jobTitle: z.string().trim().max(200, 'must be at most 200 characters'),
  department: z.string().trim().max(200, 'must be at most 200 characters').describe("one of the force's departments, or empty"),
  lineManagerId: z.uuid({ message: 'must be the id of a person (a UUID)' }).nullable().describe('whom the person reports to, or null'),
};

export const newPersonSchema = z
  .object({
    ...personFields,
    jobTitle: personFields.jobTitle.default(''),
    department: personFields.department.default(''),
    lineManagerId: personFields.lineManagerId.default(null),
  })
  .strict();
export type NewPerson = z.output<typeof newPersonSchema>;

export const personChangesSchema = z
  .object({
    name: personFields.name.optional(),
    email: personFields.email.optional(),
    roles: personFields.roles.optional(),
    jobTitle: personFields.jobTitle.optional(),
    department: personFields.department.optional(),
    lineManagerId: personFields.lineManagerId.optional(),
  })
  .strict()
  .refine((changes) => Object.values(changes).some((v) => v !== undefined), {
    message: 'must change at least one of name, email, roles, jobTitle, department, lineManagerId',
  });
export type PersonChanges = z.output<typeof personChangesSchema>;

/** A new password: the length rules here, the rest (not the email, not one character repeated) in passwordProblem. */
export const newPassword = z
  .string({ message: 'must be text' })
  .min(passwordRules.minLength, `must be at least ${passwordRules.minLength} characters`)
  .max(passwordRules.maxLength, `must be at most ${passwordRules.maxLength} characters`);

export const setPasswordSchema = z.object({ password: newPassword }).strict();

export const changeOwnPasswordSchema = z
  .object({
    currentPassword: z.string({ message: 'must be text' }).min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
    newPassword,
  })
  .strict();

export const deactivationSchema = z
  .object({ reason: z.string().trim().max(500, 'must be at most 500 characters').default('') })
  .strict()
  .optional();
