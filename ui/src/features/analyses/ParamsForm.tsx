import { useId } from "react";

import { kindInfo, type Aliases, type ParamField, type ParamsForm as Form } from "./analysisRules";
import type { AnalysisKind } from "../../bindings/AnalysisKind";

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
};

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
              className={`input${field === "rev" || field === "refs" ? " input--mono" : ""}`}
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
