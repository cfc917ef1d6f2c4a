import { useId } from "react";

import { kindInfo, takesFilters, type Aliases, type ParamField, type ParamsForm as Form } from "./analysisRules";
import type { AnalysisKind } from "../../bindings/AnalysisKind";
import { DEFAULT_EXCLUDES } from "../../bindings/analysisDefaults";

interface Props {
  kind: AnalysisKind;
  form: Form;
  errors: Partial<Record<ParamField, string>>;
  aliases: Aliases;
  onChange: (form: Form) => void;
  onRemoveAlias: (email: string) => void;
}

const FIELDS: Record<ParamField, { label: string; placeholder: string; type: "date" | "text"; hint?: string }> = {
  since: { label: "From", placeholder: "", type: "date", hint: "Authored on or after this day (UTC)" },
  until: { label: "To", placeholder: "", type: "date", hint: "Authored on or before this day (UTC)" },
  refs: { label: "Branches or tags", placeholder: "all (e.g. main, v1.0)", type: "text", hint: "Only commits reachable from these; empty: every stored commit" },
  limit: { label: "Rows", placeholder: "100 (0: all)", type: "text", hint: "Most rows in ranked lists" },
  maxFiles: { label: "Max. files per commit", placeholder: "50", type: "text", hint: "Larger commits (mass renames, formatting) are ignored" },
  minShared: { label: "Min. shared commits", placeholder: "3", type: "text", hint: "Pairs changed together fewer times are left out" },
  rev: { label: "Revision", placeholder: "HEAD", type: "text", hint: "A branch, tag or commit hash" },
  include: {
    label: "Only paths",
    placeholder: "all (e.g. src/**, *.rs)",
    type: "text",
    hint: "Path globs, separated by commas: * within a name, ** across folders, a glob without / matches a name at any depth. Only changes to matching paths count; a commit without one is left out.",
  },
  exclude: {
    label: "Leave out paths",
    placeholder: "none (e.g. docs/**, CHANGELOG.md)",
    type: "text",
    hint: "Path globs, separated by commas, whose changes are left out (vendor/**, *.lock, CHANGELOG.md)",
  },
  excludeAuthors: {
    label: "Leave out authors",
    placeholder: "none (e.g. *[bot]*, ann@example.com)",
    type: "text",
    hint: "Names or e-mails, separated by commas, in any case; * matches any text",
  },
};

const MONO: ReadonlySet<ParamField> = new Set(["rev", "refs", "include", "exclude", "excludeAuthors"]);

/** The parameters the chosen kind reads; blank fields use the defaults. */
export function ParamsForm({ kind, form, errors, aliases, onChange, onRemoveAlias }: Props) {
  const id = useId();
  const fields = kindInfo(kind).fields;
  const aliasEntries = fields.includes("refs") ? Object.entries(aliases) : [];
  return (
    <div className="analysis-params" data-testid="analysis-params">
      {fields.map((field) => {
        const spec = FIELDS[field];
        const error = errors[field];
        return (
          <div key={field} className="field analysis-params__field">
            <label htmlFor={`${id}-${field}`}>{spec.label}</label>
            <input
              id={`${id}-${field}`}
              className={`input${MONO.has(field) ? " input--mono" : ""}`}
              type={spec.type}
              data-testid={`param-${field}`}
              value={form[field]}
              placeholder={spec.placeholder}
              title={spec.hint}
              inputMode={field === "limit" || field === "maxFiles" || field === "minShared" ? "numeric" : undefined}
              aria-invalid={error !== undefined}
              aria-describedby={error !== undefined ? `${id}-${field}-error` : undefined}
              onChange={(e) => onChange({ ...form, [field]: e.target.value })}
            />
            {error !== undefined && (
              <span id={`${id}-${field}-error`} className="filter-row__error" role="alert" data-testid={`param-${field}-error`}>
                {error}
              </span>
            )}
          </div>
        );
      })}
      {takesFilters(kind) && <DefaultExcludes kind={kind} checked={form.defaultExcludes} onChange={(on) => onChange({ ...form, defaultExcludes: on })} />}
      {aliasEntries.length > 0 && (
        <div className="analysis-params__aliases" data-testid="analysis-aliases">
          <span className="muted">Merged:</span>
          {aliasEntries.map(([email, identity]) => (
            <span key={email} className="badge badge--muted alias-chip">
              {email} → {identity?.name}
              <button type="button" className="link-button" aria-label={`Stop merging ${email}`} title="Stop merging" onClick={() => onRemoveAlias(email)}>
                ×
              </button>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

interface DefaultsProps {
  kind: AnalysisKind;
  checked: boolean;
  onChange: (on: boolean) => void;
}

/** The kind's default exclusions, named, with the switch that turns them off. */
function DefaultExcludes({ kind, checked, onChange }: DefaultsProps) {
  const defaults = DEFAULT_EXCLUDES[kind];
  const patterns = [...defaults.exclude, ...defaults.exclude_authors];
  if (patterns.length === 0) return null;
  const what = defaults.exclude.length > 0 ? "lock files and generated folders" : "bots";
  return (
    <div className="analysis-params__defaults" data-testid="analysis-defaults">
      <label className="check">
        <input type="checkbox" checked={checked} data-testid="param-default-excludes" onChange={(e) => onChange(e.target.checked)} />
        <span>Leave out {what}:</span>
      </label>
      <span className={`analysis-params__patterns${checked ? "" : " analysis-params__patterns--off"}`}>
        {patterns.map((p) => (
          <code key={p} className="badge badge--muted">
            {p}
          </code>
        ))}
      </span>
    </div>
  );
}
