import type * as v from 'valibot';

/**
 * A valibot issue in words for a person editing a YAML file (searches.yml, watches.yml): what is
 * wrong with the value and what it was. Messages of the schemas say what a value should be; this
 * adds "is required" for a missing one and the value given for a wrong one (cut short when long,
 * so a 200,000-character value does not bury the message).
 */
export function explainIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'is not a known field (check its spelling)';
  if (issue.input === undefined && issue.type === 'strict_object') return 'is required';
  if (issue.type === 'check') return issue.message;
  if (issue.input === undefined) return issue.message.startsWith('is required') ? issue.message : `is required: ${issue.message}`;
  const got = JSON.stringify(issue.input) ?? String(issue.input);
  return `${issue.message} (got ${got.length > 60 ? `${got.slice(0, 40)}… (${got.length} characters)` : got})`;
}

/** `<where>, field "a.b": <explanation>` (no field part when the issue is about `where` itself). */
export function describeIssueAt(where: string, field: readonly unknown[], issue: v.BaseIssue<unknown>): string {
  const named = field.length > 0 ? `, field "${field.join('.')}"` : '';
  return `${where}${named}: ${explainIssue(issue)}`;
}
