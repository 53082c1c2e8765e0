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
  { ...shared, format: "esm", dts: true, clean: true },
  {
    ...shared,
    format: "cjs",
    dts: true,
    // p-retry is ESM only, and Node 20.18 cannot require() ESM: the CommonJS build carries a copy.
    noExternal: ["p-retry", "is-network-error"],
  },
]);
