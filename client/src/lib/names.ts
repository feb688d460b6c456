/** A friendly nickname such as "Brave Otter", short enough for the 24-character limit. */
export async function suggestNickname(): Promise<string> {
  // The word lists are large; load them only when someone asks for a suggestion.
  const { adjectives, animals, uniqueNamesGenerator } = await import('unique-names-generator');
  for (;;) {
    const name = uniqueNamesGenerator({ dictionaries: [adjectives, animals], separator: ' ', style: 'capital', length: 2 });
    if (name.length <= 20) return name;
  }
}
