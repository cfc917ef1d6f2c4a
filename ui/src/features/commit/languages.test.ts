import { describe, expect, it } from "vitest";

import { highlightLine } from "./highlight";
import { languageFor, LANGUAGES } from "./languages";

describe("languageFor", () => {
  it("picks a language by extension or by well-known file name, case-insensitively", () => {
    expect(languageFor("src/main.rs")).toBe("rust");
    expect(languageFor("ui/src/App.TSX")).toBe("typescript");
    expect(languageFor("Cargo.toml")).toBe("ini");
    expect(languageFor("deploy/Dockerfile")).toBe("dockerfile");
    expect(languageFor("Dockerfile.dev")).toBe("dockerfile");
    expect(languageFor("web/index.html")).toBe("xml");
    expect(languageFor("Gemfile")).toBe("ruby");
  });

  it("gives plain text for unknown, extension-less and dot files", () => {
    expect(languageFor("LICENSE")).toBeNull();
    expect(languageFor("logo.png")).toBeNull();
    expect(languageFor(".gitignore")).toBeNull();
    expect(languageFor("weird.")).toBeNull();
  });
});

describe("highlightLine", () => {
  it("registers every language it names", () => {
    for (const language of LANGUAGES) expect(() => highlightLine("x", language)).not.toThrow();
  });

  it("escapes the code and adds only highlight spans", () => {
    const html = highlightLine('let s = "<b>";', "rust");
    expect(html).toContain('<span class="hljs-keyword">let</span>');
    expect(html).toContain("&lt;b&gt;");
    expect(html).not.toContain("<b>");
  });
});
