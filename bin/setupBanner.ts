/**
 * The start banner's lines when nobody administers the product yet: where to set up the first administrator, with
 * this start's one-time code, and the command that does it instead. Nothing once an administrator exists.
 */
export function setupBannerLines(publicUrl: string, code: string | null): string[] {
  if (!code) return [];
  return [
    '  FIRST RUN: nobody administers the product yet. Create the first administrator at',
    `  ${publicUrl}/setup   with the set-up code   ${code}`,
    '  (the code works until an administrator exists; each start prints a new one), or run',
    '  npm run admin -- create --email you@force.police.uk --name "Your Name"',
    '',
  ];
}
