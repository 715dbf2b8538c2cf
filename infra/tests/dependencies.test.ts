// Every runtime dependency of the program is used by it: an unused one is installed on every
// `npm ci` of a deploy and looks like part of the design (the Plugins API client was, though the
// release goes through the `twilio` SDK; see README).
import { readdirSync, readFileSync } from "fs";
import { join } from "path";

const INFRA = join(__dirname, "..");

function programFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) return programFiles(file);
    return entry.name.endsWith(".ts") ? [file] : [];
  });
}

test("each dependency in infra/package.json is imported or required by the program", () => {
  const pkg = JSON.parse(readFileSync(join(INFRA, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const sources = [join(INFRA, "index.ts"), ...programFiles(join(INFRA, "src"))].map((f) => readFileSync(f, "utf8"));
  const used = (name: string) =>
    sources.some(
      (text) => text.includes(`from "${name}`) || text.includes(`require("${name}`) || text.includes(`import("${name}`),
    );
  expect(Object.keys(pkg.dependencies).filter((name) => !used(name))).toEqual([]);
  expect(used("@twilio/flex-plugins-api-client")).toBe(false);
});
