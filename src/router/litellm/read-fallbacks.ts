/**
 * LiteLLM's fallback settings (`fallbacks`, `context_window_fallbacks`,
 * `content_policy_fallbacks`, `default_fallbacks`) as the Router's maps and lists, each group
 * checked against the config's `model_name`s.
 */
import { isRecord } from "../../json-guards.js";
import { issue, MISSING, type Reader } from "./config-reader.js";

/** A list of group names, each a `model_name` of the config; `undefined` when absent or invalid. */
export function readGroupList(
  value: unknown,
  path: string,
  groups: ReadonlySet<unknown>,
  reader: Reader,
): string[] | undefined {
  if (value === undefined || value === null || value === MISSING) return undefined;
  if (!Array.isArray(value) || value.some((name) => typeof name !== "string")) {
    issue(reader, path, 'must be a list of model_name values, such as ["gpt-4o-mini"]');
    return undefined;
  }
  const names = value as string[];
  for (const name of names) {
    if (!groups.has(name)) {
      issue(
        reader,
        path,
        `names "${name}", which is no model_name of model_list; fix the name or add the model`,
      );
    }
  }
  return names;
}

/**
 * LiteLLM's fallbacks, a list of one-key maps (`[{ "gpt-4o": ["gpt-4o-mini"] }]`), as one map.
 * A `"*"` key (LiteLLM's fallbacks for every group) is returned apart, where `generic` allows it.
 */
export function readFallbacks(
  { value, path }: { value: unknown; path: string },
  generic: boolean,
  groups: ReadonlySet<unknown>,
  reader: Reader,
): { map: Record<string, string[]>; generic: string[] | undefined; path: string } | undefined {
  if (value === undefined || value === null || value === MISSING) return undefined;
  if (!Array.isArray(value)) {
    issue(reader, path, 'must be a list of one-key maps: [{ "gpt-4o": ["gpt-4o-mini"] }]');
    return undefined;
  }
  const map: Record<string, string[]> = {};
  let every: string[] | undefined;
  value.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (!isRecord(item) || Object.keys(item).length === 0) {
      issue(
        reader,
        itemPath,
        'must be a map of a model_name to its fallbacks: { "gpt-4o": ["gpt-4o-mini"] }',
      );
      return;
    }
    for (const [group, list] of Object.entries(item)) {
      const groupPath = `${itemPath}.${group}`;
      if (group === "*" && !generic) {
        issue(
          reader,
          groupPath,
          "gives fallbacks for every group, which llmux has only for `fallbacks`; name the groups",
        );
        continue;
      }
      if (group !== "*" && !groups.has(group)) {
        issue(reader, groupPath, "is no model_name of model_list; fix the name or add the model");
      }
      if (Object.hasOwn(map, group) || (group === "*" && every !== undefined)) {
        issue(reader, groupPath, "repeats a group given earlier in the list; merge the two");
      }
      const names = readGroupList(list ?? "", groupPath, groups, reader);
      if (names === undefined) continue;
      if (group === "*") every = names;
      else map[group] = names;
    }
  });
  return { map, generic: every, path };
}
