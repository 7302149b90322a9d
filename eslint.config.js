// ESLint flat config: JavaScript's and typescript-eslint's recommended rules, plus the type-aware
// rules that catch lost promises (a floating promise in a channel or the dispatcher loses a message
// or its error). Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist.tmp-*/", "node_modules/", "coverage/", "data/", "migrations/", ".tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // Control characters in patterns are deliberate: citizens' text is cleaned of them.
      "no-control-regex": "off",
    },
  },
  {
    // Served to browsers (the back-office's own script, no inline scripts).
    files: ["src/web/assets/**/*.js"],
    languageOptions: { globals: { document: "readonly", window: "readonly", HTMLElement: "readonly" } },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        performance: "readonly",
        URL: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
      },
    },
  },
);
