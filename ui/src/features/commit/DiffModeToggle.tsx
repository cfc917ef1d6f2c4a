import type { DiffMode } from "./diffMode";

const MODES: readonly { id: DiffMode; label: string }[] = [
  { id: "unified", label: "Unified" },
  { id: "split", label: "Side by side" },
];

/** Unified or side-by-side diffs. */
export function DiffModeToggle({ mode, onChange }: { mode: DiffMode; onChange: (mode: DiffMode) => void }) {
  return (
    <div className="segmented segmented--small" role="radiogroup" aria-label="Diff layout">
      {MODES.map((option) => (
        <label key={option.id} className="segmented__option">
          <input
            type="radio"
            name="diff-mode"
            value={option.id}
            data-testid={`diff-mode-${option.id}`}
            checked={mode === option.id}
            onChange={() => onChange(option.id)}
          />
          {option.label}
        </label>
      ))}
    </div>
  );
}
