import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";
import workspaceBoundaries from "./scripts/eslint-workspace-boundaries.mjs";

// The boundary rule's severity: `npm run lint` fails on any import of another workspace's files
// (docs/development.md#the-lint-checks).
const WORKSPACE_BOUNDARIES = "error";

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/coverage/**", "reports/**", "bench/results.json"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    plugins: { "workspace-boundaries": workspaceBoundaries },
    rules: { "workspace-boundaries/no-deep-import": WORKSPACE_BOUNDARIES },
  },
  prettier,
);
