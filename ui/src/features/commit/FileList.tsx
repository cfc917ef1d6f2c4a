import type { FileChange } from "../../bindings/FileChange";
import { formatChurn } from "../../shared/format";
import { churnBar, largestChange } from "./diff";
import { fileAnchor, KIND_LETTERS } from "./DiffView";

/** Five squares: added (green), removed (red), the rest empty — the file's share of the largest change. */
function ChurnSquares({ change, largest }: { change: FileChange; largest: number }) {
  const bar = churnBar(change.additions, change.deletions, largest);
  if (bar === null) return null;
  const squares = [
    ...Array<string>(bar.added).fill("added"),
    ...Array<string>(bar.removed).fill("removed"),
    ...Array<string>(bar.empty).fill("empty"),
  ];
  return (
    <span className="churn-bar" data-testid="churn-bar" data-added={bar.added} data-removed={bar.removed} aria-hidden="true">
      {squares.map((kind, i) => (
        <span key={i} className={`churn-bar__square churn-bar__square--${kind}`} />
      ))}
    </span>
  );
}

/** The changed files of a commit: kind, path (a link to its diff), +/- counts and bar, binary marked. */
export function FileList({
  changes,
  onHistory,
  onBlame,
}: {
  changes: readonly FileChange[];
  /** Opens the file's history (every commit that changed it, renames followed). */
  onHistory?: ((path: string) => void) | undefined;
  /** Opens the blame of the file at this commit. */
  onBlame?: ((path: string) => void) | undefined;
}) {
  const largest = largestChange(changes);
  return (
    <ul className="file-list" data-testid="file-list">
      {changes.map((change, index) => {
        const churn = formatChurn(change.additions, change.deletions);
        return (
          <li key={change.id} data-testid="file-row">
            <span className={`kind kind--${change.kind}`} title={change.kind}>
              {KIND_LETTERS[change.kind]}
            </span>
            <a
              className="file-list__path"
              href={`#${fileAnchor(index)}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(fileAnchor(index))?.scrollIntoView({ block: "start" });
              }}
            >
              {change.old_path !== null && change.old_path !== change.path ? `${change.old_path} → ${change.path}` : change.path}
            </a>
            {change.is_binary ? (
              <span className="badge badge--muted" data-testid="file-binary">
                binary
              </span>
            ) : (
              <>
                <span className="num">
                  <span className="added">{churn.added}</span> <span className="removed">{churn.removed}</span>
                </span>
                <ChurnSquares change={change} largest={largest} />
              </>
            )}
            {onHistory !== undefined && (
              <button type="button" className="button button--small" data-testid="file-history-open" title="Every commit that changed this file" onClick={() => onHistory(change.path)}>
                History
              </button>
            )}
            {onBlame !== undefined && change.kind !== "deleted" && !change.is_binary && (
              <button type="button" className="button button--small" data-testid="file-blame-open" title="Who last changed each line, at this commit" onClick={() => onBlame(change.path)}>
                Blame
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
