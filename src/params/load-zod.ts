/**
 * zod, imported on first need instead of at package load. The only file that imports zod's code:
 * everything else imports its types only.
 *
 * Why: importing zod compiles 95 ES modules (~800 KB, 63 of them locales), ~45 ms of a ~220 ms
 * cold start. A call that `quickCheck()` accepts never needs it: with zod loaded here only when
 * the quick check is unsure, the cold start (import + one call, median of 21) went from
 * 1.06x-1.21x of the openai package's wall time to 0.79x-0.88x, and `import()` of the package
 * from ~58 ms to ~12 ms (2026-11-27, bench/README.md). A static `import` would not do, even in a
 * module loaded lazily: bundled into one ES module file, an external `import` is hoisted to the
 * top of `dist/index.js` and runs at load.
 */
import type * as Zod from "zod";

let loaded: typeof Zod.z | undefined;
let loading: Promise<typeof Zod.z> | undefined;

/** Imports zod, once; later calls share the first import. */
export function loadZod(): Promise<typeof Zod.z> {
  loading ??= import("zod").then((module) => {
    loaded = module.z;
    return module.z;
  });
  return loading;
}

/** zod's `z` once {@link loadZod} has resolved. For `schemas.ts`, evaluated only after it. */
export function loadedZod(): typeof Zod.z {
  if (loaded === undefined) {
    throw new Error(
      "llmux: schemas.ts was evaluated before zod was loaded; import it through loadSchemas()",
    );
  }
  return loaded;
}
