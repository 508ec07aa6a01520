/** The names a request lists more than once (Kafka refuses each such entry with INVALID_REQUEST). */
export function repeatedNames(entries: readonly { readonly name: string }[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of entries) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  return repeated;
}
