/** The error and its causes ("Failed to query Workflow: Deadline exceeded"), shortened for a table cell. */
export function messageOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e && parts.length < 3; e = (e as { cause?: unknown }).cause) {
    const text = (e instanceof Error ? e.message : String(e)).trim();
    if (text && !parts.some((part) => part.includes(text))) parts.push(text);
  }
  const message = parts.join(': ');
  return message.length > 300 ? `${message.slice(0, 297)}…` : message;
}
