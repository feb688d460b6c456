import type { z } from 'zod';

/** Renders a zod issue path as authors write it: `hosts[0].memoryGiB`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** One line per problem, each led by where it is: `hosts[0].memoryGiB: must be positive`. */
export function formatIssues(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod leaves `input` out of issues unless asked (reportInput), so a wrong type would read as
      // a missing field; its own message says what it received.
      if ('input' in issue ? issue.input === undefined : /received undefined$/.test(issue.message)) return `is required (${issue.expected})`;
      // A schema's own wording (`.int({ error: 'must be a whole number' })`) beats zod's generic one.
      return issue.message.startsWith('Invalid input') ? `must be ${article(issue.expected)}` : issue.message;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      if (!issue.message.startsWith('Invalid')) return issue.message;
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      // A discriminated union names its options: say which kinds exist rather than zod's phrasing.
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length) return `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
      return 'does not match any allowed form';
    }
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'array' || expected === 'object') return `an ${expected}`;
  return `a ${expected}`;
}
