import { z } from 'zod';
import { CONCEPTS } from '../engine/concepts.ts';

/** Phones show a prompt and its choices without scrolling sideways: these caps keep them short. */
export const PROMPT_MAX = 200;
export const CHOICE_MAX = 100;
export const EXPLANATION_MAX = 300;

const TRUE_FALSE = ['True', 'False'] as const;

export const questionSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z-]*-[1-9][0-9]*$/, { error: 'must be the concept and a number, such as "shared-kernel-2"' }),
    concept: z.enum(CONCEPTS),
    kind: z.enum(['choice', 'true-false']),
    prompt: z.string().trim().min(1, { error: 'must not be empty' }).max(PROMPT_MAX, { error: `must be at most ${PROMPT_MAX} characters` }),
    choices: z
      .array(z.string().trim().min(1, { error: 'must not be empty' }).max(CHOICE_MAX, { error: `must be at most ${CHOICE_MAX} characters` }))
      .min(2, { error: 'needs at least 2 choices' })
      .max(5, { error: 'at most 5 choices' }),
    answer: z.number().int({ error: 'must be a whole number' }).nonnegative({ error: 'must not be negative' }),
    explanation: z.string().trim().min(1, { error: 'must not be empty' }).max(EXPLANATION_MAX, { error: `must be at most ${EXPLANATION_MAX} characters` }),
  })
  .superRefine((q, ctx) => {
    if (!q.id.startsWith(`${q.concept}-`) || !/^[0-9]+$/.test(q.id.slice(q.concept.length + 1))) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `must be "${q.concept}-" and a number, after its concept` });
    }
    if (new Set(q.choices).size !== q.choices.length) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'must all differ' });
    if (q.answer >= q.choices.length) ctx.addIssue({ code: 'custom', path: ['answer'], message: `must be the index of a choice (0 to ${q.choices.length - 1})` });
    if (q.kind === 'true-false' && (q.choices.length !== 2 || q.choices[0] !== TRUE_FALSE[0] || q.choices[1] !== TRUE_FALSE[1])) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'must be exactly ["True", "False"] for a true-false question' });
    }
    // Two choices is a true-false question; a multiple-choice one offers at least three.
    if (q.kind === 'choice' && q.choices.length < 3) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a multiple-choice question needs 3 to 5 choices' });
  });

export const bankSchema = z.array(questionSchema).superRefine((questions, ctx) => {
  const seen = new Map<string, number>();
  questions.forEach((q, i) => {
    const first = seen.get(q.id);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${q.id}" (first at ${first})` });
    else seen.set(q.id, i);
  });
});
