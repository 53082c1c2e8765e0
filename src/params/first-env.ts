/** The first of `names` set to a non-empty value in the environment, with its name. */
export function firstEnv(names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== "") return { name, value };
  }
  return undefined;
}
