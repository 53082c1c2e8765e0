import { defineConfig, type Options } from "tsup";

const shared: Options = {
  entry: ["src/index.ts"],
  sourcemap: true,
  target: "node20",
  platform: "node",
  splitting: false,
  treeshake: true,
};

export default defineConfig([
  // partial-json (streamed structured outputs) is a devDependency, carried by both builds so that
  // llmux keeps its four runtime dependencies; its license is in THIRD_PARTY_NOTICES.md.
  { ...shared, format: "esm", dts: true, clean: true, noExternal: ["partial-json"] },
  {
    ...shared,
    format: "cjs",
    dts: true,
    // p-retry is ESM only, and Node 20.18 cannot require() ESM: the CommonJS build carries a copy.
    noExternal: ["p-retry", "is-network-error", "partial-json"],
  },
]);
